/*
 * check.h — shared helpers for the WASI conformance programs in this folder.
 *
 * Each program is run as `NAME /sandbox` with a fresh, empty directory preopened at /sandbox and
 * an empty stdin. It prints one line per check — `description: result` — where the result is a
 * WASI errno name (`ESUCCESS`, `EBADF`, …) and, where useful, values; nothing that varies between
 * runs (no times, inode numbers or addresses). The expected output is NAME.expected beside it.
 *
 *   int dir = sandbox_fd();          the preopened fd of /sandbox (found with fd_prestat_get)
 *   ERR(call)                        prints "<call text>: <errno name>"
 *   say("fmt", ...)                  prints a line
 */
#ifndef CONFORMANCE_CHECK_H
#define CONFORMANCE_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *const errno_names[] = {
  "ESUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN", "EALREADY",
  "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET",
  "EDEADLK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM",
  "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK",
  "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOBUFS",
  "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC",
  "ENOSYS", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY",
  "ENXIO", "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE",
  "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

static inline const char *errno_name(int e) {
  if (e >= 0 && e < (int)(sizeof errno_names / sizeof errno_names[0])) return errno_names[e];
  return "E?";
}

static inline void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static const char *const filetype_names[] = {
  "UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE", "SOCKET_DGRAM",
  "SOCKET_STREAM", "SYMBOLIC_LINK",
};

/* The name of a WASI filetype. */
static inline const char *ftname(int t) { return t >= 0 && t < 8 ? filetype_names[t] : "?"; }

/* Print the call's source text and the errno name it returned. */
#define ERR(call) say("%s: %s", #call, errno_name((int)(call)))

/* Create (or truncate) `path` under directory `dir` holding `content`; set-up failures are printed. */
static inline void put_file(int dir, const char *path, const char *content) {
  __wasi_fd_t fd;
  int e = __wasi_path_open(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  if (e != 0) {
    say("setup: create %s: %s", path, errno_name(e));
    return;
  }
  __wasi_ciovec_t iov = {(const uint8_t *)content, strlen(content)};
  __wasi_size_t n;
  e = __wasi_fd_write(fd, &iov, 1, &n);
  if (e != 0 || n != strlen(content)) say("setup: write %s: %s", path, errno_name(e));
  if (__wasi_fd_close(fd) != 0) say("setup: close %s failed", path);
}

/* The first bytes of the file open as `fd` (from offset 0, NULs shown as '0'), or an errno name. */
static inline const char *file_contents(int fd) {
  static char buf[128];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_pread(fd, &iov, 1, 0, &n);
  if (e) return errno_name(e);
  for (__wasi_size_t i = 0; i < n; i++)
    if (!buf[i]) buf[i] = '0';
  buf[n] = 0;
  return buf;
}

/* The preopened directory fd whose name is "/sandbox" (or -1). */
static inline int sandbox_fd(void) {
  for (int fd = 3; fd < 64; fd++) {
    __wasi_prestat_t p;
    if (__wasi_fd_prestat_get(fd, &p) != 0) continue;
    char name[64] = {0};
    if (p.u.dir.pr_name_len >= sizeof name) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len) != 0) continue;
    if (strcmp(name, "/sandbox") == 0) return fd;
  }
  return -1;
}

#endif
