/*
 * poll_stdin — poll_oneoff on stdin with a 200 ms timeout, then read what is there.
 * Prints "timeout" if the clock fired first, or "readable N" (N = nbytes reported) and the line
 * read. `echo hi | poll_stdin` prints "readable 3" and "got: hi".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 200000000ull;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  if (__wasi_poll_oneoff(subs, ev, 2, &n) != 0) return 1;
  for (__wasi_size_t i = 0; i < n; i++) {
    if (ev[i].userdata == 1) {
      printf("readable %llu\n", (unsigned long long)ev[i].fd_readwrite.nbytes);
      char buf[256] = {0};
      ssize_t got = read(0, buf, sizeof buf - 1);
      if (got > 0 && buf[got - 1] == '\n') buf[got - 1] = 0;
      printf("got: %s\n", buf);
      return 0;
    }
  }
  printf("timeout\n");
  return 0;
}
