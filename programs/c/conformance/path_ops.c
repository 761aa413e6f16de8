/*
 * The path_* functions other than path_open: create/remove directory, unlink, rename, filestat
 * get/set_times, hard links, symlinks and readlink, and how symlinks are confined (loops, escapes).
 */
#include "check.h"

static int dir;

#define RD __WASI_RIGHTS_FD_READ
#define WR __WASI_RIGHTS_FD_WRITE
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define CHK(what, call) say("%s: %s", what, errno_name(call))

/* The content of a file (up to 63 bytes), or "<errno>" if it cannot be read. */
static const char *content(const char *path) {
  static char buf[64];
  __wasi_fd_t fd;
  int e = __wasi_path_open(dir, 0, path, 0, RD, 0, 0, &fd);
  if (e != 0) return errno_name(e);
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  e = __wasi_fd_read(fd, &iov, 1, &n);
  buf[e == 0 ? n : 0] = 0;
  if (__wasi_fd_close(fd) != 0) return "close failed";
  return e == 0 ? buf : errno_name(e);
}

/* path_filestat_get, printed as "errno filetype size nlink" (size only for files and symlinks). */
static void st(const char *what, int lookup, const char *path) {
  __wasi_filestat_t s;
  int e = __wasi_path_filestat_get(dir, lookup, path, &s);
  if (e != 0) say("%s: %s", what, errno_name(e));
  else if (s.filetype == __WASI_FILETYPE_DIRECTORY) say("%s: ESUCCESS DIRECTORY", what);
  else say("%s: ESUCCESS %s size=%llu nlink=%llu", what, ftname(s.filetype), (unsigned long long)s.size,
           (unsigned long long)s.nlink);
}

static __wasi_timestamp_t mtim_of(int lookup, const char *path) {
  __wasi_filestat_t s;
  return __wasi_path_filestat_get(dir, lookup, path, &s) == 0 ? s.mtim : 0;
}

/* Create a symlink and open it following symlinks: the first failure of the two (or ESUCCESS).
 * (wasmtime refuses to create a symlink whose target is absolute, with EPERM: that counts.) */
static void symlink_then_open(const char *what, const char *target, const char *link) {
  int e = __wasi_path_symlink(target, dir, link);
  __wasi_fd_t fd;
  if (e == 0) e = __wasi_path_open(dir, FOLLOW, link, 0, RD, 0, 0, &fd);
  if (e == 0 && __wasi_fd_close(fd) != 0) say("%s: close failed", what);
  say("%s: %s", what, errno_name(e));
}

int main(void) {
  dir = sandbox_fd();
  if (dir < 0) {
    say("no /sandbox preopen");
    return 1;
  }
  __wasi_filestat_t s;
  __wasi_size_t used;

  say("-- path_create_directory");
  CHK("create \"d\"", __wasi_path_create_directory(dir, "d"));
  st("  stat \"d\"", 0, "d");
  CHK("create \"d\" again", __wasi_path_create_directory(dir, "d"));
  put_file(dir, "f", "0123456");
  CHK("create over a regular file", __wasi_path_create_directory(dir, "f"));
  CHK("create under a missing directory", __wasi_path_create_directory(dir, "nodir/x"));
  CHK("create \"d/e\" with a trailing slash", __wasi_path_create_directory(dir, "d/e/"));
  st("  stat \"d/e\"", 0, "d/e");
  CHK("create \"\"", __wasi_path_create_directory(dir, ""));

  say("-- path_remove_directory");
  CHK("remove a non-empty directory", __wasi_path_remove_directory(dir, "d"));
  CHK("remove a regular file", __wasi_path_remove_directory(dir, "f"));
  CHK("remove \".\"", __wasi_path_remove_directory(dir, "."));
  CHK("remove a missing name", __wasi_path_remove_directory(dir, "nothing"));
  CHK("remove an empty directory", __wasi_path_remove_directory(dir, "d/e"));
  st("  stat it", 0, "d/e");
  ERR(__wasi_path_create_directory(dir, "e"));
  ERR(__wasi_path_symlink("e", dir, "elink"));
  CHK("remove a symlink to a directory", __wasi_path_remove_directory(dir, "elink"));

  say("-- path_unlink_file");
  CHK("unlink a directory", __wasi_path_unlink_file(dir, "d"));
  CHK("unlink a missing name", __wasi_path_unlink_file(dir, "nothing"));
  put_file(dir, "u", "x");
  CHK("unlink a regular file with a trailing slash", __wasi_path_unlink_file(dir, "u/"));
  CHK("unlink a regular file", __wasi_path_unlink_file(dir, "u"));
  st("  stat it", 0, "u");
  CHK("unlink a symlink to a directory", __wasi_path_unlink_file(dir, "elink"));
  st("  stat the link", 0, "elink");
  st("  stat the directory", 0, "e");

  say("-- path_rename");
  put_file(dir, "a", "AAA");
  put_file(dir, "b", "BBBBB");
  CHK("rename a file over a file", __wasi_path_rename(dir, "a", dir, "b"));
  st("  stat the source", 0, "a");
  say("  the target's content: %s", content("b"));
  ERR(__wasi_path_create_directory(dir, "p"));
  ERR(__wasi_path_create_directory(dir, "q"));
  put_file(dir, "q/in", "x");
  CHK("rename a directory over a non-empty directory", __wasi_path_rename(dir, "p", dir, "q"));
  ERR(__wasi_path_create_directory(dir, "r"));
  CHK("rename a directory over an empty directory", __wasi_path_rename(dir, "p", dir, "r"));
  st("  stat the source", 0, "p");
  CHK("rename a file over a directory", __wasi_path_rename(dir, "b", dir, "r"));
  CHK("rename a directory over a file", __wasi_path_rename(dir, "r", dir, "b"));
  ERR(__wasi_path_create_directory(dir, "r/sub"));
  CHK("rename a directory into its own subdirectory", __wasi_path_rename(dir, "r", dir, "r/sub/r"));
  CHK("rename a missing source", __wasi_path_rename(dir, "nothing", dir, "x"));
  CHK("rename a file into a directory", __wasi_path_rename(dir, "b", dir, "r/b"));
  say("  its content: %s", content("r/b"));
  CHK("rename a directory with trailing slashes", __wasi_path_rename(dir, "e/", dir, "e2/"));
  st("  stat the target", 0, "e2");
  CHK("rename a regular file with a trailing slash", __wasi_path_rename(dir, "r/b/", dir, "b2"));

  say("-- path_filestat_get");
  st("a regular file", 0, "f");
  st("a directory", 0, "d");
  ERR(__wasi_path_symlink("f", dir, "sl"));
  st("a symlink without SYMLINK_FOLLOW", 0, "sl");
  st("a symlink with SYMLINK_FOLLOW", FOLLOW, "sl");
  st("a missing name", 0, "nothing");
  st("empty path", 0, "");
  st("through a regular file", 0, "f/x");

  say("-- path_filestat_set_times");
  const __wasi_timestamp_t T1 = 1600000000123456789ull, A1 = 1500000000987654321ull;
  CHK("set atim and mtim", __wasi_path_filestat_set_times(dir, 0, "f", A1, T1,
      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  if (__wasi_path_filestat_get(dir, 0, "f", &s) == 0)
    say("  read back: atim=%llu mtim=%llu", (unsigned long long)s.atim, (unsigned long long)s.mtim);
  CHK("ATIM|ATIM_NOW", __wasi_path_filestat_set_times(dir, 0, "f", A1, T1,
      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  CHK("MTIM|MTIM_NOW", __wasi_path_filestat_set_times(dir, 0, "f", A1, T1,
      __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  say("  mtim unchanged: %s", mtim_of(0, "f") == T1 ? "yes" : "no");
  CHK("set times on a missing name", __wasi_path_filestat_set_times(dir, 0, "nothing", A1, T1,
      __WASI_FSTFLAGS_MTIM));
  const __wasi_timestamp_t T2 = 1400000000000000007ull, T3 = 1300000000000000003ull;
  CHK("set mtim on a symlink without SYMLINK_FOLLOW", __wasi_path_filestat_set_times(dir, 0, "sl", 0, T2,
      __WASI_FSTFLAGS_MTIM));
  say("  the link's own mtim is the new one: %s", mtim_of(0, "sl") == T2 ? "yes" : "no");
  say("  the target's mtim is unchanged: %s", mtim_of(0, "f") == T1 ? "yes" : "no");
  CHK("set mtim on a symlink with SYMLINK_FOLLOW", __wasi_path_filestat_set_times(dir, FOLLOW, "sl", 0, T3,
      __WASI_FSTFLAGS_MTIM));
  say("  the target's mtim is the new one: %s", mtim_of(0, "f") == T3 ? "yes" : "no");
  say("  the link's own mtim is unchanged: %s", mtim_of(0, "sl") == T2 ? "yes" : "no");
  put_file(dir, "tf", "x");
  CHK("set atim and mtim of another file", __wasi_path_filestat_set_times(dir, 0, "tf", A1, T1,
      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  content("tf");
  say("  its mtim is still exact after reading it: %s", mtim_of(0, "tf") == T1 ? "yes" : "no");

  say("-- path_link");
  CHK("hard-link \"f\" as \"h\"", __wasi_path_link(dir, 0, "f", dir, "h"));
  st("  stat \"f\"", 0, "f");
  st("  stat \"h\"", 0, "h");
  say("  content through \"h\": %s", content("h"));
  put_file(dir, "h", "changed");
  say("  content through \"f\" after writing \"h\": %s", content("f"));
  CHK("hard-link onto an existing file", __wasi_path_link(dir, 0, "f", dir, "h"));
  CHK("hard-link onto an existing directory", __wasi_path_link(dir, 0, "f", dir, "d"));
  CHK("hard-link a directory", __wasi_path_link(dir, 0, "d", dir, "dlink"));
  CHK("hard-link a missing name", __wasi_path_link(dir, 0, "nothing", dir, "x"));
  CHK("hard-link into a missing directory", __wasi_path_link(dir, 0, "f", dir, "nodir/x"));

  say("-- path_symlink and path_readlink");
  char buf[64];
  memset(buf, '#', sizeof buf);
  CHK("symlink \"t/../some target\"", __wasi_path_symlink("t/../some target", dir, "s1"));
  int e = __wasi_path_readlink(dir, "s1", (uint8_t *)buf, sizeof buf, &used);
  say("  readlink: %s bufused=%u \"%.*s\" next byte untouched: %s", errno_name(e), (unsigned)used,
      (int)(used < sizeof buf ? used : 0), buf, buf[used < sizeof buf ? used : 0] == '#' ? "yes" : "no");
  memset(buf, '#', sizeof buf);
  e = __wasi_path_readlink(dir, "s1", (uint8_t *)buf, 4, &used);
  say("  readlink into 4 bytes: %s bufused=%u \"%.4s\" byte 4 untouched: %s", errno_name(e), (unsigned)used, buf,
      buf[4] == '#' ? "yes" : "no");
  CHK("readlink a regular file", __wasi_path_readlink(dir, "f", (uint8_t *)buf, sizeof buf, &used));
  CHK("readlink a directory", __wasi_path_readlink(dir, "d", (uint8_t *)buf, sizeof buf, &used));
  CHK("readlink a missing name", __wasi_path_readlink(dir, "nothing", (uint8_t *)buf, sizeof buf, &used));
  CHK("symlink onto an existing file", __wasi_path_symlink("x", dir, "f"));
  CHK("symlink onto an existing symlink", __wasi_path_symlink("x", dir, "s1"));
  CHK("symlink into a missing directory", __wasi_path_symlink("x", dir, "nodir/s"));
  CHK("symlink with a trailing slash on a new name", __wasi_path_symlink("x", dir, "news/"));
  CHK("unlink a symlink", __wasi_path_unlink_file(dir, "s1"));
  st("  stat it", 0, "s1");

  say("-- symlink resolution");
  ERR(__wasi_path_symlink("loop_b", dir, "loop_a"));
  ERR(__wasi_path_symlink("loop_a", dir, "loop_b"));
  __wasi_fd_t fd;
  CHK("open a loop a -> b -> a with SYMLINK_FOLLOW", __wasi_path_open(dir, FOLLOW, "loop_a", 0, RD, 0, 0, &fd));
  st("stat the loop with SYMLINK_FOLLOW", FOLLOW, "loop_a");
  st("stat the loop without SYMLINK_FOLLOW", 0, "loop_a");
  CHK("open through the loop as a directory component", __wasi_path_open(dir, 0, "loop_a/x", 0, RD, 0, 0, &fd));
  // A link whose target is absolute or climbs above the file system's root is never made (EPERM).
  symlink_then_open("symlink to \"/etc/passwd\", then open it with SYMLINK_FOLLOW", "/etc/passwd", "abs");
  symlink_then_open("symlink to \"../outside\", then open it with SYMLINK_FOLLOW", "../outside", "up");
  CHK("open \"up\" without SYMLINK_FOLLOW", __wasi_path_open(dir, 0, "up", 0, RD, 0, 0, &fd));
  ERR(__wasi_path_symlink("..", dir, "d/parent"));
  e = __wasi_path_open(dir, 0, "d/parent/f", 0, RD, 0, 0, &fd);
  say("symlink \"d/parent\" -> \"..\" stays inside: open \"d/parent/f\": %s", errno_name(e));
  if (e == 0) ERR(__wasi_fd_close(fd));
  symlink_then_open("symlink \"d/pp\" -> \"../..\", then open it with SYMLINK_FOLLOW", "../..", "d/pp");
  ERR(__wasi_path_symlink("no such target", dir, "dangling"));
  st("stat a dangling symlink without SYMLINK_FOLLOW", 0, "dangling");
  st("stat a dangling symlink with SYMLINK_FOLLOW", FOLLOW, "dangling");
  CHK("open a dangling symlink with SYMLINK_FOLLOW", __wasi_path_open(dir, FOLLOW, "dangling", 0, RD, 0, 0, &fd));
  return 0;
}
