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

/* Print the call's source text and the errno name it returned. */
#define ERR(call) say("%s: %s", #call, errno_name((int)(call)))

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
