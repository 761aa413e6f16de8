/*
 * keel_abi — exercises the keel import module and prints one line per check ("name: ok" or
 * "name: FAIL ..."); exits 0 when every check passed. Needs DIR (a preopened directory holding
 * seq.wasm, cat.wasm and exit_code.wasm) as argv[1].
 *
 *   keel_abi /bin
 *
 * Checks: getpid/getppid; pipe write/read/EOF; EPIPE with no reader; O_NONBLOCK read on an empty
 * pipe (EAGAIN); dup2 sharing an fd; spawn + wait exit codes; wait for a non-child (ECHILD);
 * spawn of a missing program (ENOENT) and of one outside every preopen (ENOTCAPABLE); a bad fd in
 * the fd map (EBADF); kill of a blocked child (status 137); kill of a process that is not the
 * caller's (EPERM) and of none (ESRCH); signal 0 as a probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "keel.h"

static int failures = 0;

static void check(const char *name, int ok, const char *detail) {
  if (ok) printf("%s: ok\n", name);
  else {
    printf("%s: FAIL %s\n", name, detail ? detail : "");
    failures++;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: keel_abi DIR\n");
    return 2;
  }
  char path[1024];
  const char *dir = argv[1];

  int pid = keel_getpid(), ppid = keel_getppid();
  check("getpid", pid > 1, "pid should be a real process");
  check("getppid", ppid >= 1 && ppid != pid, "parent should differ");

  int fds[2];
  check("pipe", keel_pipe(fds) == 0 && fds[0] > 2 && fds[1] > 2 && fds[0] != fds[1], "pipe() failed");
  check("pipe write", write(fds[1], "hello", 5) == 5, strerror(errno));
  char buf[64] = {0};
  check("pipe read", read(fds[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0, buf);
  int flags = fcntl(fds[0], F_GETFL);
  check("nonblock set", fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) == 0, strerror(errno));
  errno = 0;
  check("nonblock read empty -> EAGAIN", read(fds[0], buf, sizeof buf) == -1 && errno == EAGAIN, strerror(errno));
  close(fds[1]);
  check("read at EOF -> 0", read(fds[0], buf, sizeof buf) == 0, strerror(errno));
  close(fds[0]);

  check("pipe 2", keel_pipe(fds) == 0, "");
  close(fds[0]);
  errno = 0;
  check("write without reader -> EPIPE", write(fds[1], "x", 1) == -1 && errno == EPIPE, strerror(errno));
  close(fds[1]);

  check("pipe 3", keel_pipe(fds) == 0, "");
  check("dup2", keel_dup2(fds[1], 20) == 0, "");
  close(fds[1]);
  check("write through dup", write(20, "dup", 3) == 3, strerror(errno));
  close(20);
  memset(buf, 0, sizeof buf);
  check("read what the dup wrote, then EOF", read(fds[0], buf, sizeof buf) == 3 && read(fds[0], buf + 3, 10) == 0, buf);
  close(fds[0]);

  snprintf(path, sizeof path, "%s/exit_code.wasm", dir);
  char *args7[] = {"exit_code", "7", NULL};
  int child, status = -1, waited = 0;
  int err = keel_spawn(path, args7, NULL, NULL, 0, &child);
  check("spawn", err == 0 && child > pid, strerror(err));
  err = keel_wait(child, &status, &waited);
  check("wait exit code 7", err == 0 && status == 7 && waited == child, strerror(err));
  check("wait with no children -> ECHILD", keel_wait(-1, &status, &waited) == ECHILD, "");
  check("wait for a stranger -> ECHILD", keel_wait(1, &status, &waited) == ECHILD, "");

  snprintf(path, sizeof path, "%s/no-such.wasm", dir);
  check("spawn missing -> ENOENT", keel_spawn(path, args7, NULL, NULL, 0, &child) == ENOENT, "");
  check("spawn outside preopens -> ENOTCAPABLE", keel_spawn("/etc/passwd", args7, NULL, NULL, 0, &child) == ENOTCAPABLE, "");
  snprintf(path, sizeof path, "%s/exit_code.wasm", dir);
  int32_t badmap[] = {0, 99};
  check("bad fd in the map -> EBADF", keel_spawn(path, args7, NULL, badmap, 1, &child) == EBADF, "");

  /* A child blocked reading a pipe nobody writes to, then killed. */
  check("pipe 4", keel_pipe(fds) == 0, "");
  snprintf(path, sizeof path, "%s/cat.wasm", dir);
  char *cat_args[] = {"cat", NULL};
  int32_t catmap[] = {0, fds[0], 1, 1, 2, 2};
  err = keel_spawn(path, cat_args, NULL, catmap, 3, &child);
  check("spawn blocked reader", err == 0, strerror(err));
  close(fds[0]);
  check("probe a running child: kill(pid, 0) -> 0", keel_kill(child, 0) == 0, "");
  check("kill", keel_kill(child, 9) == 0, "");
  err = keel_wait(child, &status, &waited);
  check("killed child status 137", err == 0 && status == 137, "");
  check("probe a reaped child -> ESRCH", keel_kill(child, 0) == ESRCH, "");
  check("kill another's process (pid 1) -> EPERM", keel_kill(1, 9) == EPERM, "");
  check("probe another's process -> EPERM", keel_kill(1, 0) == EPERM, "");
  check("kill no process -> ESRCH", keel_kill(100000, 9) == ESRCH, "");
  check("kill a group with none of mine -> ESRCH", keel_kill(-100000, 9) == ESRCH, "");
  check("a bad signal -> EINVAL", keel_kill(child, 65) == EINVAL, "");
  close(fds[1]);

  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
