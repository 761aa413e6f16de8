/*
 * path_open: every oflag, the lookup flag, the rights it grants, and how it confines paths to the
 * directory fd it is given (absolute paths, "..", symlinks, over-long names, bad dirfds).
 */
#include "check.h"

static int dir;

#define RD __WASI_RIGHTS_FD_READ
#define WR __WASI_RIGHTS_FD_WRITE

/* Open `path` under dir, print the errno and, on success, what was opened (and its size); close it.
 * FD_FILESTAT_GET is always asked for too, so that the size can be read. */
static void try_open(const char *what, int lookup, const char *path, int oflags, __wasi_rights_t base) {
  __wasi_fd_t fd;
  base |= __WASI_RIGHTS_FD_FILESTAT_GET;
  int e = __wasi_path_open(dir, lookup, path, oflags, base, 0, 0, &fd);
  if (e != 0) {
    say("%s: %s", what, errno_name(e));
    return;
  }
  __wasi_fdstat_t st;
  __wasi_filestat_t fs;
  int e1 = __wasi_fd_fdstat_get(fd, &st);
  int e2 = __wasi_fd_filestat_get(fd, &fs);
  if (e1 || e2)
    say("%s: ESUCCESS (fdstat %s, filestat %s)", what, errno_name(e1), errno_name(e2));
  else if (st.fs_filetype == __WASI_FILETYPE_DIRECTORY)
    say("%s: ESUCCESS %s", what, ftname(st.fs_filetype));
  else
    say("%s: ESUCCESS %s size=%llu", what, ftname(st.fs_filetype), (unsigned long long)fs.size);
  if (__wasi_fd_close(fd) != 0) say("%s: close failed", what);
}

/* Set-up helper: create (or replace) a file with the given content. */
static void stat_of(const char *what, const char *path) {
  __wasi_filestat_t fs;
  int e = __wasi_path_filestat_get(dir, 0, path, &fs);
  if (e != 0) say("%s: %s", what, errno_name(e));
  else say("%s: ESUCCESS %s", what, ftname(fs.filetype));
}

/* path_open with explicit rights, printing the errno; on success reads the new fd's fdstat. */
static int ropen(const char *what, int dirfd, const char *path, int oflags, __wasi_rights_t base,
                 __wasi_rights_t inheriting, __wasi_fd_t *fd, __wasi_fdstat_t *st) {
  int e = __wasi_path_open(dirfd, 0, path, oflags, base, inheriting, 0, fd);
  say("%s: %s", what, errno_name(e));
  if (e != 0) return 0;
  if ((e = __wasi_fd_fdstat_get(*fd, st)) == 0) return 1;
  say("  fdstat: %s", errno_name(e));
  if (__wasi_fd_close(*fd) != 0) say("close failed");
  return 0;
}
static const char *yn(int ok, int cond) { return !ok ? "n/a" : cond ? "yes" : "no"; }

int main(void) {
  dir = sandbox_fd();
  if (dir < 0) {
    say("no /sandbox preopen");
    return 1;
  }
  const int CREAT = __WASI_OFLAGS_CREAT, EXCL = __WASI_OFLAGS_EXCL, TRUNC = __WASI_OFLAGS_TRUNC;
  const int DIRECTORY = __WASI_OFLAGS_DIRECTORY, FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;

  say("-- oflags");
  try_open("open a missing file without CREAT", 0, "f", 0, RD);
  try_open("CREAT a new file", 0, "f", CREAT, RD | WR);
  put_file(dir, "f", "hello");
  try_open("CREAT an existing file keeps its content", 0, "f", CREAT, RD | WR);
  try_open("CREAT|EXCL an existing file", 0, "f", CREAT | EXCL, RD | WR);
  try_open("CREAT|EXCL a new file", 0, "g", CREAT | EXCL, RD | WR);
  try_open("TRUNC an existing file", 0, "f", TRUNC, RD | WR);
  put_file(dir, "f", "hello");
  try_open("open without TRUNC keeps the content", 0, "f", 0, RD);
  try_open("DIRECTORY on a regular file", 0, "f", DIRECTORY, RD);
  ERR(__wasi_path_create_directory(dir, "d"));
  try_open("DIRECTORY on a directory", 0, "d", DIRECTORY, RD);
  try_open("a directory without DIRECTORY", 0, "d", 0, RD);
  try_open("\".\" with DIRECTORY", 0, ".", DIRECTORY, 0);
  try_open("a directory with FD_WRITE", 0, "d", 0, RD | WR);
  try_open("a directory with DIRECTORY and FD_WRITE", 0, "d", DIRECTORY, RD | WR);
  try_open("CREAT on an existing directory", 0, "d", CREAT, RD | WR);
  try_open("TRUNC on a directory", 0, "d", TRUNC, RD | WR);
  try_open("CREAT|DIRECTORY on a new name", 0, "cdir", CREAT | DIRECTORY, RD);
  stat_of("  ... and nothing was created", "cdir");
  try_open("TRUNC|DIRECTORY on a directory", 0, "d", TRUNC | DIRECTORY, RD);
  try_open("EXCL without CREAT on an existing file", 0, "f", EXCL, RD);
  try_open("an undefined oflags bit", 0, "f", 0x10, RD);

  say("-- lookupflags");
  ERR(__wasi_path_symlink("f", dir, "link"));
  try_open("symlink to a file, without SYMLINK_FOLLOW", 0, "link", 0, RD);
  try_open("symlink to a file, with SYMLINK_FOLLOW", FOLLOW, "link", 0, RD);
  try_open("CREAT on a symlink to a file, without SYMLINK_FOLLOW", 0, "link", CREAT, RD | WR);
  try_open("CREAT|EXCL on a symlink to a file, with SYMLINK_FOLLOW", FOLLOW, "link", CREAT | EXCL, RD | WR);
  ERR(__wasi_path_symlink("d", dir, "dlink"));
  try_open("symlink to a directory, DIRECTORY and SYMLINK_FOLLOW", FOLLOW, "dlink", DIRECTORY, RD);
  try_open("a directory through a symlink component, no follow", 0, "dlink/.", DIRECTORY, RD);

  say("-- path shapes");
  try_open("CREAT with a trailing slash on a new name", 0, "newdir/", CREAT, RD | WR);
  stat_of("  ... and nothing was created", "newdir");
  try_open("a regular file with a trailing slash", 0, "f/", 0, RD);
  try_open("a directory with a trailing slash", 0, "d/", 0, RD);
  try_open("empty path", 0, "", 0, RD);
  try_open("empty path with CREAT", 0, "", CREAT, RD | WR);
  try_open("\"a/../b\" that stays inside", 0, "d/../f", 0, RD);
  try_open("\"d/./../d/.\" that stays inside", 0, "d/./../d/.", DIRECTORY, RD);
  try_open("through a regular file: \"f/x\"", 0, "f/x", 0, RD);
  try_open("CREAT through a regular file: \"f/x\"", 0, "f/x", CREAT, RD | WR);
  try_open("through a missing directory: \"nodir/x\"", 0, "nodir/x", CREAT, RD | WR);
  char name[300];
  memset(name, 'n', 255);
  name[255] = 0;
  try_open("CREAT a 255-byte name", 0, name, CREAT, RD | WR);
  ERR(__wasi_path_unlink_file(dir, name));
  memset(name, 'n', 256);
  name[256] = 0;
  try_open("CREAT a 256-byte name", 0, name, CREAT, RD | WR);
  try_open("open a 256-byte name", 0, name, 0, RD);

  say("-- confinement");
  try_open("absolute path \"/etc\"", 0, "/etc", 0, RD);
  try_open("absolute path \"/\"", 0, "/", DIRECTORY, RD);
  try_open("absolute path with CREAT \"/tmp-keel-conf\"", 0, "/tmp-keel-conf", CREAT, RD | WR);
  try_open("\"..\"", 0, "..", DIRECTORY, RD);
  try_open("\"d/../..\"", 0, "d/../..", DIRECTORY, RD);
  try_open("\"../x\" with CREAT", 0, "../x", CREAT, RD | WR);
  try_open("\"d/../../x\" with CREAT", 0, "d/../../x", CREAT, RD | WR);

  say("-- dirfd");
  __wasi_fd_t ffd = 0;
  ERR(__wasi_path_open(dir, 0, "f", 0, RD, 0, 0, &ffd));
  __wasi_fd_t out;
  say("a regular file as dirfd: %s", errno_name(__wasi_path_open(ffd, 0, "x", CREAT, RD | WR, 0, 0, &out)));
  say("a regular file as dirfd, path \".\": %s", errno_name(__wasi_path_open(ffd, 0, ".", 0, RD, 0, 0, &out)));
  ERR(__wasi_fd_close(ffd));
  say("a closed fd as dirfd: %s", errno_name(__wasi_path_open(ffd, 0, "f", 0, RD, 0, 0, &out)));
  say("fd 9999 as dirfd: %s", errno_name(__wasi_path_open(9999, 0, "f", 0, RD, 0, 0, &out)));

  say("-- rights");
  __wasi_fdstat_t ds, st;
  ERR(__wasi_fd_fdstat_get(dir, &ds));
  const __wasi_rights_t ALL = ~(__wasi_rights_t)0;
  __wasi_fd_t fd;
  int ok = ropen("ask for every right on a file", dir, "f", 0, ALL, ALL, &fd, &st);
  say("  base within the directory's inheriting rights: %s", yn(ok, (st.fs_rights_base & ~ds.fs_rights_inheriting) == 0));
  say("  inheriting within the directory's inheriting rights: %s",
      yn(ok, (st.fs_rights_inheriting & ~ds.fs_rights_inheriting) == 0));
  say("  has FD_READ and FD_WRITE: %s", yn(ok, (st.fs_rights_base & (RD | WR)) == (RD | WR)));
  if (ok && __wasi_fd_close(fd) != 0) say("close failed");
  /* A directory fd whose inheriting rights allow reading only. */
  const __wasi_rights_t ro_inh = RD | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET;
  __wasi_fd_t ro;
  int rok = ropen("open \".\" with read-only inheriting rights", dir, ".", DIRECTORY, ds.fs_rights_base, ro_inh, &ro, &st);
  say("  its inheriting rights are exactly those asked: %s", yn(rok, st.fs_rights_inheriting == ro_inh));
  ok = rok && ropen("  open a file under it asking FD_READ|FD_WRITE", ro, "f", 0, RD | WR, 0, &fd, &st);
  if (!rok) say("  open a file under it asking FD_READ|FD_WRITE: n/a");
  say("  the file's base within those inheriting rights: %s", yn(ok, (st.fs_rights_base & ~ro_inh) == 0));
  say("  has FD_READ: %s, has FD_WRITE: %s", yn(ok, st.fs_rights_base & RD), yn(ok, st.fs_rights_base & WR));
  if (ok && __wasi_fd_close(fd) != 0) say("close failed");
  if (rok && __wasi_fd_close(ro) != 0) say("close failed");
  return 0;
}
