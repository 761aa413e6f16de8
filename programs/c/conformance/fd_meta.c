/*
 * fd_meta — fd_fdstat_*, fd_filestat_*, fd_allocate, fd_advise, fd_sync, fd_datasync,
 * fd_renumber, fd_close, fd_prestat_*, fd_readdir.
 *
 * Errno choices where the specification leaves room:
 *  - fd_prestat_dir_name with a buffer shorter than the name: ENAMETOOLONG, as wasmtime (and
 *    wasi-common before it) answer; node:wasi (uvwasi) says ENOBUFS.
 *  - fd_fdstat_set_rights follows the spec text (shrinking only; growing is ENOTCAPABLE). Current
 *    wasmtime keeps no rights and answers ENOTSUP to every call.
 *  - fd_allocate is "similar to posix_fallocate": it extends the file, never shrinks it, and a zero
 *    length is EINVAL. Current wasmtime answers ENOTSUP to every call.
 *  - fd_readdir includes "." and ".." (the witx says so). On a file it is ENOTDIR, as wasmtime
 *    answers, though the file was opened asking for every right (FD_READDIR included); a runtime
 *    that drops rights which do not apply to files could argue for ENOTCAPABLE (uvwasi does).
 *  - stdin/stdout: only what does not depend on whether they are pipes or terminals is printed.
 */
#include "check.h"
#include <stdlib.h>

#define R(x) __WASI_RIGHTS_##x
static int dir;
static __wasi_rights_t all_rights;

static const char *ftype(int t) {
  static const char *n[] = {"UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE",
                            "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK"};
  return t >= 0 && t < 8 ? n[t] : "?";
}

static int open_at(const char *name, __wasi_oflags_t of, __wasi_rights_t rights, __wasi_fdflags_t fl) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, 0, name, of, rights, 0, fl, &fd);
  if (e) { say("open %s: %s", name, errno_name(e)); exit(1); }
  return (int)fd;
}

static void put(int fd, const char *s, __wasi_filesize_t at) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n;
  if (__wasi_fd_pwrite(fd, &iov, 1, at, &n)) { say("pwrite failed"); exit(1); }
}

static void fstat_line(const char *what, int fd) {
  __wasi_filestat_t s;
  __wasi_errno_t e = __wasi_fd_filestat_get(fd, &s);
  if (e) { say("%s: %s", what, errno_name(e)); return; }
  say("%s: ESUCCESS, %s, size %llu", what, ftype(s.filetype), (unsigned long long)s.size);
}

/* Bytes of the file, NUL shown as '0'. */
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Read the directory with a buf_len-byte buffer, resuming from cookies; collect "name TYPE". */
static int list_dir(int fd, __wasi_size_t buf_len, char **out, int max, __wasi_errno_t *err) {
  static uint8_t buf[4096];
  __wasi_dircookie_t cookie = 0;
  int count = 0;
  for (int calls = 0; calls < 100; calls++) {
    __wasi_size_t used;
    if ((*err = __wasi_fd_readdir(fd, buf, buf_len, cookie, &used))) return count;
    size_t at = 0;
    while (at + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + at, sizeof d);
      if (at + sizeof d + d.d_namlen > used) break; /* truncated: resume from the last whole one */
      char line[300];
      snprintf(line, sizeof line, "%.*s %s", (int)d.d_namlen, (char *)buf + at + sizeof d, ftype(d.d_type));
      if (count < max) out[count++] = strdup(line);
      cookie = d.d_next;
      at += sizeof d + d.d_namlen;
    }
    if (used < buf_len) return count;
  }
  say("readdir did not finish in 100 calls");
  return count;
}

int main(void) {
  dir = sandbox_fd();
  __wasi_fdstat_t st;
  if (dir < 0 || __wasi_fd_fdstat_get(dir, &st)) { say("no sandbox"); return 1; }
  all_rights = st.fs_rights_inheriting;
  __wasi_errno_t e;

  /* --- fd_readdir: three files in the empty sandbox --- */
  const char *names[] = {"alpha", "beta", "gamma"};
  for (int i = 0; i < 3; i++) (void)__wasi_fd_close(open_at(names[i], __WASI_OFLAGS_CREAT, all_rights, 0));
  char *big[16], *small[16];
  int nb = list_dir(dir, 4096, big, 16, &e);
  say("fd_readdir (4096-byte buffer): %s, %d entries", errno_name(e), nb);
  qsort(big, nb, sizeof *big, cmp);
  for (int i = 0; i < nb; i++) say("  %s", big[i]);
  int ns = list_dir(dir, 40, small, 16, &e);
  qsort(small, ns, sizeof *small, cmp);
  int same = ns == nb;
  for (int i = 0; same && i < ns; i++) same = strcmp(small[i], big[i]) == 0;
  say("fd_readdir (40-byte buffer, resumed by cookie): %s, %d entries, each once: %s", errno_name(e), ns,
      same ? "yes" : "no");

  /* --- fd_fdstat_get --- */
  __wasi_rights_t rw = R(FD_READ) | R(FD_WRITE) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET);
  int f = open_at("file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, rw, 0);
  e = __wasi_fd_fdstat_get(f, &st);
  say("fd_fdstat_get file: %s, %s, flags %u, rights as requested: %s", errno_name(e), ftype(st.fs_filetype),
      st.fs_flags, st.fs_rights_base == rw ? "yes" : "no");
  e = __wasi_fd_fdstat_get(dir, &st);
  say("fd_fdstat_get sandbox: %s, %s", errno_name(e), ftype(st.fs_filetype));
  e = __wasi_fd_fdstat_get(0, &st);
  say("fd_fdstat_get stdin: %s, not a file or directory: %s, FD_READ: %s", errno_name(e),
      st.fs_filetype != 3 && st.fs_filetype != 4 ? "yes" : "no", st.fs_rights_base & R(FD_READ) ? "yes" : "no");
  e = __wasi_fd_fdstat_get(1, &st);
  say("fd_fdstat_get stdout: %s, not a file or directory: %s, FD_WRITE: %s", errno_name(e),
      st.fs_filetype != 3 && st.fs_filetype != 4 ? "yes" : "no", st.fs_rights_base & R(FD_WRITE) ? "yes" : "no");
  say("fd_fdstat_get bad fd: %s", errno_name(__wasi_fd_fdstat_get(99, &st)));

  /* --- fd_fdstat_set_rights: only ever shrinks --- */
  __wasi_rights_t ro = R(FD_READ) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET);
  say("fd_fdstat_set_rights shrink: %s", errno_name(__wasi_fd_fdstat_set_rights(f, ro, 0)));
  (void)__wasi_fd_fdstat_get(f, &st);
  say("rights now as set: %s", st.fs_rights_base == ro && st.fs_rights_inheriting == 0 ? "yes" : "no");
  say("fd_fdstat_set_rights grow base: %s", errno_name(__wasi_fd_fdstat_set_rights(f, rw, 0)));
  say("fd_fdstat_set_rights grow inheriting: %s", errno_name(__wasi_fd_fdstat_set_rights(f, ro, R(FD_READ))));
  __wasi_ciovec_t x = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  say("fd_write after FD_WRITE removed: %s", errno_name(__wasi_fd_write(f, &x, 1, &n)));
  char b4[4];
  __wasi_iovec_t r4 = {(uint8_t *)b4, 4};
  say("fd_read with FD_READ kept: %s", errno_name(__wasi_fd_read(f, &r4, 1, &n)));
  say("fd_fdstat_set_rights bad fd: %s", errno_name(__wasi_fd_fdstat_set_rights(99, 0, 0)));
  (void)__wasi_fd_close(f);

  /* --- fd_fdstat_set_flags --- */
  f = open_at("file", 0, all_rights, 0);
  put(f, "0123456789", 0); /* fd_pwrite: the offset stays 0 */
  say("fd_fdstat_set_flags APPEND: %s", errno_name(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND)));
  (void)__wasi_fd_fdstat_get(f, &st);
  say("flags now: %u", st.fs_flags);
  __wasi_ciovec_t ab = {(const uint8_t *)"ab", 2};
  (void)__wasi_fd_write(f, &ab, 1, &n);
  say("after fd_write in append mode: [%s]", file_contents(f));
  say("fd_fdstat_set_flags NONBLOCK: %s", errno_name(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK)));
  (void)__wasi_fd_fdstat_get(f, &st);
  say("flags now: %u", st.fs_flags);
  say("fd_fdstat_set_flags 0: %s", errno_name(__wasi_fd_fdstat_set_flags(f, 0)));
  (void)__wasi_fd_fdstat_get(f, &st);
  say("flags now: %u", st.fs_flags);
  say("fd_fdstat_set_flags 0x20 (undefined bit): %s", errno_name(__wasi_fd_fdstat_set_flags(f, 0x20)));
  say("fd_fdstat_set_flags bad fd: %s", errno_name(__wasi_fd_fdstat_set_flags(99, 0)));

  /* --- fd_filestat_get / set_size --- */
  __wasi_filestat_t fs;
  e = __wasi_fd_filestat_get(f, &fs);
  say("fd_filestat_get file: %s, %s, size %llu, nlink %llu", errno_name(e), ftype(fs.filetype),
      (unsigned long long)fs.size, (unsigned long long)fs.nlink);
  e = __wasi_fd_filestat_get(dir, &fs); /* a directory's size depends on the host filesystem */
  say("fd_filestat_get sandbox: %s, %s", errno_name(e), ftype(fs.filetype));
  say("fd_filestat_get bad fd: %s", errno_name(__wasi_fd_filestat_get(99, &fs)));
  say("fd_filestat_set_size 16: %s", errno_name(__wasi_fd_filestat_set_size(f, 16)));
  say("  file [%s]", file_contents(f));
  say("fd_filestat_set_size 4: %s", errno_name(__wasi_fd_filestat_set_size(f, 4)));
  say("  file [%s]", file_contents(f));
  fstat_line("  fd_filestat_get", f);

  /* --- fd_filestat_set_times --- */
  const __wasi_timestamp_t atim = 1000000000123456789ull, mtim = 1234567890987654321ull;
  e = __wasi_fd_filestat_set_times(f, atim, mtim, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
  (void)__wasi_fd_filestat_get(f, &fs);
  say("fd_filestat_set_times ATIM|MTIM: %s, atim exact: %s, mtim exact: %s", errno_name(e),
      fs.atim == atim ? "yes" : "no", fs.mtim == mtim ? "yes" : "no");
  e = __wasi_fd_filestat_set_times(f, 0, 1500000000000000001ull, __WASI_FSTFLAGS_MTIM);
  (void)__wasi_fd_filestat_get(f, &fs);
  say("fd_filestat_set_times MTIM only: %s, mtim exact: %s, atim kept: %s", errno_name(e),
      fs.mtim == 1500000000000000001ull ? "yes" : "no", fs.atim == atim ? "yes" : "no");
  say("fd_filestat_set_times ATIM|ATIM_NOW: %s",
      errno_name(__wasi_fd_filestat_set_times(f, atim, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW)));
  say("fd_filestat_set_times MTIM|MTIM_NOW: %s",
      errno_name(__wasi_fd_filestat_set_times(f, 0, mtim, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW)));
  say("fd_filestat_set_times bad fd: %s", errno_name(__wasi_fd_filestat_set_times(99, 0, 0, 0)));

  /* --- fd_allocate, fd_advise, fd_sync, fd_datasync --- */
  say("fd_allocate 0+100: %s", errno_name(__wasi_fd_allocate(f, 0, 100)));
  fstat_line("  fd_filestat_get", f);
  say("fd_allocate 10+10 (inside): %s", errno_name(__wasi_fd_allocate(f, 10, 10)));
  fstat_line("  fd_filestat_get", f);
  say("fd_allocate len 0: %s", errno_name(__wasi_fd_allocate(f, 0, 0)));
  say("fd_allocate bad fd: %s", errno_name(__wasi_fd_allocate(99, 0, 1)));
  say("fd_advise SEQUENTIAL: %s", errno_name(__wasi_fd_advise(f, 0, 100, __WASI_ADVICE_SEQUENTIAL)));
  say("fd_advise DONTNEED: %s", errno_name(__wasi_fd_advise(f, 0, 0, __WASI_ADVICE_DONTNEED)));
  say("fd_advise advice 6: %s", errno_name(__wasi_fd_advise(f, 0, 100, 6)));
  say("fd_advise bad fd: %s", errno_name(__wasi_fd_advise(99, 0, 100, __WASI_ADVICE_NORMAL)));
  say("fd_sync: %s", errno_name(__wasi_fd_sync(f)));
  say("fd_datasync: %s", errno_name(__wasi_fd_datasync(f)));
  say("fd_sync bad fd: %s", errno_name(__wasi_fd_sync(99)));
  say("fd_datasync bad fd: %s", errno_name(__wasi_fd_datasync(99)));

  /* --- fd_renumber, fd_close --- */
  int g = open_at("other", __WASI_OFLAGS_CREAT, all_rights, 0);
  put(g, "other", 0);
  say("fd_renumber file -> other: %s", errno_name(__wasi_fd_renumber(f, g)));
  say("  the old number: %s", errno_name(__wasi_fd_fdstat_get(f, &st)));
  fstat_line("  the new number", g);
  say("fd_renumber to itself: %s", errno_name(__wasi_fd_renumber(g, g)));
  say("fd_renumber to a closed fd: %s", errno_name(__wasi_fd_renumber(g, f)));
  say("fd_renumber from a closed fd: %s", errno_name(__wasi_fd_renumber(f, g)));
  fstat_line("  still open", g);
  say("fd_close: %s", errno_name(__wasi_fd_close(g)));
  say("fd_close again: %s", errno_name(__wasi_fd_close(g)));

  /* --- fd_prestat_get / fd_prestat_dir_name --- */
  __wasi_prestat_t p;
  e = __wasi_fd_prestat_get(dir, &p);
  say("fd_prestat_get sandbox: %s, tag %u, name length %u", errno_name(e), p.tag, p.u.dir.pr_name_len);
  char name[64];
  memset(name, 0, sizeof name); /* the name is not NUL-terminated */
  e = __wasi_fd_prestat_dir_name(dir, (uint8_t *)name, 8);
  say("fd_prestat_dir_name (8 bytes): %s, [%s]", errno_name(e), name);
  memset(name, 0, sizeof name);
  e = __wasi_fd_prestat_dir_name(dir, (uint8_t *)name, sizeof name);
  say("fd_prestat_dir_name (64 bytes): %s, [%s]", errno_name(e), name);
  say("fd_prestat_dir_name (4 bytes): %s", errno_name(__wasi_fd_prestat_dir_name(dir, (uint8_t *)name, 4)));
  (void)__wasi_path_create_directory(dir, "sub");
  /* the rights wasi-libc's opendir asks for: no FD_WRITE-like rights (POSIX: EISDIR) */
  int sub = open_at("sub", __WASI_OFLAGS_DIRECTORY,
                all_rights & ~(R(FD_DATASYNC) | R(FD_WRITE) | R(FD_ALLOCATE) | R(FD_FILESTAT_SET_SIZE)), 0);
  f = open_at("file", 0, all_rights, 0);
  say("fd_prestat_get on an opened file: %s", errno_name(__wasi_fd_prestat_get(f, &p)));
  say("fd_prestat_get on an opened directory: %s", errno_name(__wasi_fd_prestat_get(sub, &p)));
  say("fd_prestat_get on stdout: %s", errno_name(__wasi_fd_prestat_get(1, &p)));
  say("fd_prestat_get bad fd: %s", errno_name(__wasi_fd_prestat_get(99, &p)));
  say("fd_prestat_dir_name on an opened file: %s", errno_name(__wasi_fd_prestat_dir_name(f, (uint8_t *)name, 64)));

  /* --- fd_readdir on other things --- */
  char *ent[8];
  int k = list_dir(sub, 4096, ent, 8, &e);
  qsort(ent, k, sizeof *ent, cmp);
  say("fd_readdir empty opened directory: %s, %d entries%s%s%s%s", errno_name(e), k, k > 0 ? ", " : "",
      k > 0 ? ent[0] : "", k > 1 ? ", " : "", k > 1 ? ent[1] : "");
  uint8_t rb[256];
  __wasi_size_t used;
  say("fd_readdir on a file: %s", errno_name(__wasi_fd_readdir(f, rb, sizeof rb, 0, &used)));
  say("fd_readdir bad fd: %s", errno_name(__wasi_fd_readdir(99, rb, sizeof rb, 0, &used)));
  return 0;
}
