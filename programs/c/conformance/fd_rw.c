/*
 * fd_rw — fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell and their error cases.
 *
 * Errno choices where the specification leaves room:
 *  - A negative resulting offset, or a whence outside SET/CUR/END, is EINVAL (lseek; wasmtime maps
 *    an invalid enum value to EINVAL).
 *  - fd_read on a file opened with only the FD_WRITE base right (and fd_write with only FD_READ)
 *    is ENOTCAPABLE: the preview1 rights model ("rights::fd_read: the right to invoke fd_read",
 *    errno::notcapable "Capabilities insufficient"). Current wasmtime, which no longer keeps
 *    rights, says EBADF here.
 *  - fd_pread/fd_pwrite/fd_read on a directory: EBADF, as wasmtime answers (both the current one
 *    and the old wasi-common, which did keep rights and checked the fd's type before its rights).
 *    The spec does not decide it: which rights a preopen has is up to the runtime, so a runtime
 *    that gives directories no FD_READ/FD_WRITE could argue for ENOTCAPABLE (uvwasi does that);
 *    POSIX pread says EISDIR.
 *  - Out-of-bounds iovec buffers are checked last, and expect EFAULT. NOTE: the upstream WASI
 *    witx-docs ("Pointers", WebAssembly/WASI#536) now say an out-of-bounds pointer shall *trap*,
 *    and wasmtime traps; EFAULT is the Unix-style answer. Kept last so that a runtime which traps
 *    loses only these lines.
 */
#include "check.h"
#include <stdlib.h>

#define R(x) __WASI_RIGHTS_##x
static __wasi_rights_t all_rights; /* the sandbox's inheriting rights */
static int dir;

static int open_file(const char *name, __wasi_oflags_t of, __wasi_rights_t rights, __wasi_fdflags_t fl) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, 0, name, of, rights, 0, fl, &fd);
  if (e) { say("open %s: %s", name, errno_name(e)); exit(1); }
  return (int)fd;
}

static __wasi_errno_t wr(int fd, const char *s, __wasi_size_t *n) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  return __wasi_fd_write(fd, &iov, 1, n);
}

static __wasi_errno_t rd(int fd, char *buf, size_t len, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  return __wasi_fd_read(fd, &iov, 1, n);
}

/* The whole file as text ('0' for NUL bytes), read with fd_pread so the offset is untouched. */
static void seek(const char *what, int fd, __wasi_filedelta_t off, __wasi_whence_t wh) {
  __wasi_filesize_t pos = 0;
  __wasi_errno_t e = __wasi_fd_seek(fd, off, wh, &pos);
  if (e) say("%s: %s", what, errno_name(e));
  else say("%s: ESUCCESS, offset %llu", what, (unsigned long long)pos);
}

static void tell(const char *what, int fd) {
  __wasi_filesize_t pos = 0;
  __wasi_errno_t e = __wasi_fd_tell(fd, &pos);
  if (e) say("%s: %s", what, errno_name(e));
  else say("%s: ESUCCESS, offset %llu", what, (unsigned long long)pos);
}

int main(void) {
  dir = sandbox_fd();
  __wasi_fdstat_t st;
  if (dir < 0 || __wasi_fd_fdstat_get(dir, &st)) { say("no sandbox"); return 1; }
  all_rights = st.fs_rights_inheriting;
  __wasi_errno_t e;
  __wasi_size_t n;
  char buf[64];

  /* --- fd_write / fd_read / fd_seek / fd_tell --- */
  int fd = open_file("data", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, all_rights, 0);
  __wasi_ciovec_t two[2] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"world", 5}};
  e = __wasi_fd_write(fd, two, 2, &n);
  say("fd_write two iovecs: %s, %u bytes", errno_name(e), n);
  tell("fd_tell after write", fd);
  seek("fd_seek SET 0", fd, 0, __WASI_WHENCE_SET);
  char a[5], b[32];
  __wasi_iovec_t rv[2] = {{(uint8_t *)a, sizeof a}, {(uint8_t *)b, sizeof b}};
  e = __wasi_fd_read(fd, rv, 2, &n);
  say("fd_read two iovecs: %s, %u bytes, [%.5s] [%.*s]", errno_name(e), n, a, n > 5 ? (int)n - 5 : 0, b);
  e = rd(fd, buf, sizeof buf, &n);
  say("fd_read at end of file: %s, %u bytes", errno_name(e), n);
  seek("fd_seek END -5", fd, -5, __WASI_WHENCE_END);
  e = rd(fd, buf, 3, &n);
  say("fd_read 3: %s, %u bytes, [%.*s]", errno_name(e), n, (int)n, buf);
  seek("fd_seek CUR 2", fd, 2, __WASI_WHENCE_CUR);
  seek("fd_seek CUR -3", fd, -3, __WASI_WHENCE_CUR);
  seek("fd_seek CUR -100 (before start)", fd, -100, __WASI_WHENCE_CUR);
  seek("fd_seek SET -1", fd, -1, __WASI_WHENCE_SET);
  seek("fd_seek END -12", fd, -12, __WASI_WHENCE_END);
  seek("fd_seek whence 3", fd, 0, 3);
  tell("fd_tell after failed seeks", fd);
  seek("fd_seek CUR 0", fd, 0, __WASI_WHENCE_CUR);
  seek("fd_seek SET 14 (past end)", fd, 14, __WASI_WHENCE_SET);
  e = wr(fd, "!", &n);
  say("fd_write past end: %s, %u bytes; file [%s]", errno_name(e), n, file_contents(fd));

  /* --- fd_pread / fd_pwrite leave the offset alone --- */
  seek("fd_seek SET 1", fd, 1, __WASI_WHENCE_SET);
  __wasi_iovec_t pv = {(uint8_t *)buf, 5};
  e = __wasi_fd_pread(fd, &pv, 1, 6, &n);
  say("fd_pread 5 at 6: %s, %u bytes, [%.*s]", errno_name(e), n, (int)n, buf);
  e = __wasi_fd_pread(fd, &pv, 1, 100, &n);
  say("fd_pread at 100 (past end): %s, %u bytes", errno_name(e), n);
  __wasi_ciovec_t wv[2] = {{(const uint8_t *)"HEL", 3}, {(const uint8_t *)"LO", 2}};
  e = __wasi_fd_pwrite(fd, wv, 2, 0, &n);
  say("fd_pwrite 5 at 0: %s, %u bytes; file [%s]", errno_name(e), n, file_contents(fd));
  tell("fd_tell after pread/pwrite", fd);
  e = rd(fd, buf, 4, &n);
  say("fd_read 4: %s, [%.*s]", errno_name(e), (int)n, buf);

  /* --- bad and closed fds --- */
  __wasi_filesize_t pos;
  say("fd_write bad fd: %s", errno_name(wr(99, "x", &n)));
  say("fd_read bad fd: %s", errno_name(rd(99, buf, 4, &n)));
  say("fd_pread bad fd: %s", errno_name(__wasi_fd_pread(99, &pv, 1, 0, &n)));
  say("fd_pwrite bad fd: %s", errno_name(__wasi_fd_pwrite(99, wv, 1, 0, &n)));
  say("fd_seek bad fd: %s", errno_name(__wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &pos)));
  say("fd_tell bad fd: %s", errno_name(__wasi_fd_tell(99, &pos)));
  int c = open_file("data", 0, all_rights, 0);
  say("fd_close: %s", errno_name(__wasi_fd_close(c)));
  say("fd_write closed fd: %s", errno_name(wr(c, "x", &n)));
  say("fd_read closed fd: %s", errno_name(rd(c, buf, 4, &n)));
  say("fd_seek closed fd: %s", errno_name(__wasi_fd_seek(c, 0, __WASI_WHENCE_SET, &pos)));
  say("fd_tell closed fd: %s", errno_name(__wasi_fd_tell(c, &pos)));

  /* --- byte I/O on a directory (see the note at the top) --- */
  say("fd_pread on the sandbox directory: %s", errno_name(__wasi_fd_pread(dir, &pv, 1, 0, &n)));
  say("fd_pwrite on the sandbox directory: %s", errno_name(__wasi_fd_pwrite(dir, wv, 1, 0, &n)));
  say("fd_read on the sandbox directory: %s", errno_name(rd(dir, buf, 4, &n)));

  /* --- rights: write-only and read-only fds --- */
  int wo = open_file("data", 0, R(FD_WRITE), 0);
  say("fd_read on an FD_WRITE-only fd: %s", errno_name(rd(wo, buf, 4, &n)));
  say("fd_pread on an FD_WRITE-only fd: %s", errno_name(__wasi_fd_pread(wo, &pv, 1, 0, &n)));
  say("fd_write on an FD_WRITE-only fd: %s", errno_name(wr(wo, "w", &n)));
  int ro = open_file("data", 0, R(FD_READ), 0);
  say("fd_write on an FD_READ-only fd: %s", errno_name(wr(ro, "x", &n)));
  say("fd_pwrite on an FD_READ-only fd: %s", errno_name(__wasi_fd_pwrite(ro, wv, 1, 0, &n)));
  e = rd(ro, buf, 5, &n);
  say("fd_read on an FD_READ-only fd: %s, [%.*s]", errno_name(e), (int)n, buf);
  (void)__wasi_fd_close(wo);
  (void)__wasi_fd_close(ro);

  /* --- append mode: every write goes to the end, whatever the offset --- */
  int ap = open_file("log", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, all_rights, __WASI_FDFLAGS_APPEND);
  e = wr(ap, "abc", &n);
  say("append fd_write: %s, %u bytes", errno_name(e), n);
  seek("append fd_seek SET 0", ap, 0, __WASI_WHENCE_SET);
  e = wr(ap, "XY", &n);
  say("append fd_write after seek: %s, %u bytes; file [%s]", errno_name(e), n, file_contents(ap));
  seek("append fd_seek SET 1", ap, 1, __WASI_WHENCE_SET);
  e = rd(ap, buf, 2, &n);
  say("append fd_read 2 at 1: %s, [%.*s]", errno_name(e), (int)n, buf);
  (void)__wasi_fd_close(ap);

  /* --- out-of-bounds buffers (see the note at the top) --- */
  uint8_t *bad = (uint8_t *)(uintptr_t)0xFFFFFFF0u;
  __wasi_iovec_t oob = {bad, 16};
  __wasi_ciovec_t coob = {bad, 16};
  seek("fd_seek SET 0", fd, 0, __WASI_WHENCE_SET);
  say("fd_write from an out-of-bounds buffer: %s", errno_name(__wasi_fd_write(fd, &coob, 1, &n)));
  say("fd_read into an out-of-bounds buffer: %s", errno_name(__wasi_fd_read(fd, &oob, 1, &n)));
  say("fd_pread into an out-of-bounds buffer: %s", errno_name(__wasi_fd_pread(fd, &oob, 1, 0, &n)));
  say("fd_pwrite from an out-of-bounds buffer: %s", errno_name(__wasi_fd_pwrite(fd, &coob, 1, 0, &n)));
  say("file unchanged: [%s]", file_contents(fd));
  (void)__wasi_fd_close(fd);
  return 0;
}
