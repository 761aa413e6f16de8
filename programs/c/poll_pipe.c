/*
 * poll_pipe — poll_oneoff on pipes, a file and clocks; one line per check, exit 0 when all pass.
 *   poll_pipe /sandbox [PIPE_BYTES]   (needs a writable preopened directory; PIPE_BYTES: the
 *                                      pipe capacity expected, default 65536)
 * Checks: an empty pipe is not readable (only the 10 ms clock fires); after a write the read end
 * is readable with nbytes = bytes buffered; the write end is writable with room left; after the
 * writer closes and the data is read, the read end reports HANGUP; a file is readable with
 * nbytes = bytes after the offset.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "keel.h"

static int failures = 0;
static void check(const char *name, int ok) {
  printf("%s: %s\n", name, ok ? "ok" : "FAIL");
  if (!ok) failures++;
}

static int poll2(__wasi_subscription_t *subs, int n, __wasi_event_t *out) {
  __wasi_size_t got = 0;
  if (__wasi_poll_oneoff(subs, out, n, &got) != 0) return -1;
  return (int)got;
}

static __wasi_subscription_t fd_sub(int fd, int type, int userdata) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static __wasi_subscription_t clock_sub(int ms, int userdata) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = (uint64_t)ms * 1000000;
  return s;
}

int main(int argc, char **argv) {
  long pipe_bytes = argc > 2 ? atol(argv[2]) : 65536;
  int p[2];
  check("pipe", keel_pipe(p) == 0);
  __wasi_subscription_t subs[2];
  __wasi_event_t ev[2];

  subs[0] = fd_sub(p[0], __WASI_EVENTTYPE_FD_READ, 1);
  subs[1] = clock_sub(10, 2);
  int n = poll2(subs, 2, ev);
  check("empty pipe: only the clock fires", n == 1 && ev[0].userdata == 2 && ev[0].type == __WASI_EVENTTYPE_CLOCK);

  check("write 3 bytes", write(p[1], "abc", 3) == 3);
  n = poll2(subs, 2, ev);
  check("readable with nbytes 3", n >= 1 && ev[0].userdata == 1 && ev[0].fd_readwrite.nbytes == 3);

  subs[0] = fd_sub(p[1], __WASI_EVENTTYPE_FD_WRITE, 3);
  n = poll2(subs, 1, ev);
  check("write end writable with room", n == 1 && ev[0].userdata == 3 && ev[0].fd_readwrite.nbytes == (__wasi_filesize_t)(pipe_bytes - 3));

  close(p[1]);
  char buf[8];
  check("read the 3 bytes", read(p[0], buf, sizeof buf) == 3);
  subs[0] = fd_sub(p[0], __WASI_EVENTTYPE_FD_READ, 4);
  n = poll2(subs, 1, ev);
  check("hangup once the writer is gone", n == 1 && (ev[0].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) != 0);
  close(p[0]);

  char path[256];
  snprintf(path, sizeof path, "%s/f", argv[1]);
  int f = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
  check("file", f >= 0 && write(f, "0123456789", 10) == 10 && lseek(f, 4, SEEK_SET) == 4);
  subs[0] = fd_sub(f, __WASI_EVENTTYPE_FD_READ, 5);
  n = poll2(subs, 1, ev);
  check("file readable with nbytes 6", n == 1 && ev[0].fd_readwrite.nbytes == 6);
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
