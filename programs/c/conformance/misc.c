/*
 * misc — args_*, environ_*, clock_*, random_get, sched_yield, poll_oneoff, sock_* (on things
 * that are not sockets). proc_exit/proc_raise are not tested here.
 *
 * Errno choices where the specification leaves room:
 *  - an unknown clock id is EINVAL (clock_res_get's own text: "For unsupported clocks, return
 *    errno::inval"; wasmtime maps any invalid enum value to EINVAL).
 *  - poll_oneoff with no subscriptions is EINVAL (wasmtime).
 *  - sock_* on an fd that is open but not a socket is ENOTSOCK, on a bad fd EBADF (wasmtime).
 */
#include "check.h"
#include <stdlib.h>

static int is_nul_terminated_list(uint8_t **ptrs, __wasi_size_t count, uint8_t *buf, __wasi_size_t size) {
  uint8_t *at = buf;
  for (__wasi_size_t i = 0; i < count; i++) {
    if (ptrs[i] != at) return 0;
    size_t len = strnlen((char *)at, buf + size - at);
    if (at + len >= buf + size) return 0;
    at += len + 1;
  }
  return at == buf + size;
}

int main(void) {
  __wasi_errno_t e;

  /* --- args --- */
  __wasi_size_t argc = 0, argv_size = 0;
  e = __wasi_args_sizes_get(&argc, &argv_size);
  say("args_sizes_get: %s, argc %u", errno_name(e), argc);
  uint8_t **argv = calloc(argc + 1, sizeof *argv);
  uint8_t *argv_buf = calloc(argv_size + 1, 1);
  e = __wasi_args_get(argv, argv_buf);
  say("args_get: %s, laid out back to back and NUL-terminated: %s", errno_name(e),
      is_nul_terminated_list(argv, argc, argv_buf, argv_size) ? "yes" : "no");
  say("argv[1]: %s", argc > 1 ? (char *)argv[1] : "(none)");

  /* --- environ (none given) --- */
  __wasi_size_t envc = 99, env_size = 99;
  e = __wasi_environ_sizes_get(&envc, &env_size);
  say("environ_sizes_get: %s, %u variables, %u bytes", errno_name(e), envc, env_size);
  uint8_t *envp[1];
  uint8_t env_buf[1];
  say("environ_get: %s", errno_name(__wasi_environ_get(envp, env_buf)));

  /* --- clocks --- */
  __wasi_timestamp_t res, t1, t2;
  e = __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res);
  say("clock_res_get REALTIME: %s, non-zero: %s", errno_name(e), res ? "yes" : "no");
  e = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res);
  say("clock_res_get MONOTONIC: %s, non-zero: %s", errno_name(e), res ? "yes" : "no");
  say("clock_res_get clock 4: %s", errno_name(__wasi_clock_res_get(4, &res)));
  say("clock_res_get clock 99: %s", errno_name(__wasi_clock_res_get(99, &res)));
  e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1);
  say("clock_time_get REALTIME: %s, after 2020: %s", errno_name(e), t1 > 1577836800000000000ull ? "yes" : "no");
  e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
  say("clock_time_get MONOTONIC: %s", errno_name(e));
  int backwards = 0;
  for (int i = 0; i < 1000; i++) {
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2) || t2 < t1) backwards = 1;
    t1 = t2;
  }
  say("MONOTONIC never goes backwards (1000 reads): %s", backwards ? "no" : "yes");
  say("clock_time_get clock 4: %s", errno_name(__wasi_clock_time_get(4, 1, &t1)));
  say("clock_time_get clock 99: %s", errno_name(__wasi_clock_time_get(99, 1, &t1)));

  /* --- random_get, sched_yield --- */
  uint8_t rnd[64];
  memset(rnd, 0, sizeof rnd);
  e = __wasi_random_get(rnd, sizeof rnd);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof rnd; i++) nonzero |= rnd[i];
  say("random_get 64 bytes: %s, not all zero: %s", errno_name(e), nonzero ? "yes" : "no");
  say("random_get 0 bytes: %s", errno_name(__wasi_random_get(rnd, 0)));
  say("sched_yield: %s", errno_name(__wasi_sched_yield()));

  /* --- poll_oneoff --- */
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 0x1122334455667788ull;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 1000000; /* 1 ms, relative */
  sub.u.u.clock.precision = 0;
  sub.u.u.clock.flags = 0;
  __wasi_event_t ev[2];
  memset(ev, 0xAA, sizeof ev);
  __wasi_size_t nev = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
  e = __wasi_poll_oneoff(&sub, ev, 1, &nev);
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2);
  say("poll_oneoff 1 ms relative clock: %s, %u events", errno_name(e), nev);
  if (nev >= 1)
    say("  event: type %s, userdata %s, error %s", ev[0].type == __WASI_EVENTTYPE_CLOCK ? "CLOCK" : "not CLOCK",
        ev[0].userdata == sub.userdata ? "matches" : "differs", errno_name(ev[0].error));
  say("  at least 1 ms passed: %s", t2 - t1 >= 1000000 ? "yes" : "no");
  say("poll_oneoff 0 subscriptions: %s", errno_name(__wasi_poll_oneoff(&sub, ev, 0, &nev)));

  /* --- sockets: a regular file and a bad fd --- */
  int dir = sandbox_fd();
  __wasi_fd_t f = 99;
  __wasi_fdstat_t st; /* open with every right the sandbox hands on, so rights are not the issue */
  if (dir < 0 || __wasi_fd_fdstat_get(dir, &st)) { say("no sandbox"); return 1; }
  e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, st.fs_rights_inheriting, 0, 0, &f);
  if (e) { say("open file: %s", errno_name(e)); return 1; }
  uint8_t b[8];
  __wasi_iovec_t iov = {b, sizeof b};
  __wasi_ciovec_t ciov = {b, sizeof b};
  __wasi_size_t n;
  __wasi_roflags_t rof;
  __wasi_fd_t nfd;
  const int fds[2] = {(int)f, 99};
  const char *what[2] = {"a regular file", "a bad fd"};
  for (int i = 0; i < 2; i++) {
    say("sock_accept on %s: %s", what[i], errno_name(__wasi_sock_accept(fds[i], 0, &nfd)));
    say("sock_recv on %s: %s", what[i], errno_name(__wasi_sock_recv(fds[i], &iov, 1, 0, &n, &rof)));
    say("sock_send on %s: %s", what[i], errno_name(__wasi_sock_send(fds[i], &ciov, 1, 0, &n)));
    say("sock_shutdown on %s: %s", what[i],
        errno_name(__wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR)));
  }
  return 0;
}
