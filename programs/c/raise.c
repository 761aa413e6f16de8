/*
 * raise — proc_raise: prints the result of raising SIGCHLD (ignored by default: 0) and of an
 * invalid signal (EINVAL: 28), then raises SIGABRT (or SIGTERM with an argument), which ends the
 * process as killed by that signal: exit status 134 (or 143) and nothing more printed.
 *
 *   raise stop   print "stopping", raise SIGTSTP (a job-control stop: proc_raise returns once the
 *                process is continued with SIGCONT), print "continued <result>", exit 3
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int32_t wasi_raise(int32_t sig) __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "stop") == 0) {
    printf("stopping\n");
    fflush(stdout);
    int32_t r = wasi_raise(19); /* WASI's SIGTSTP */
    printf("continued %d\n", r);
    return 3;
  }
  printf("raise CHLD: %d\n", wasi_raise(16));
  printf("raise 99: %d\n", wasi_raise(99));
  fflush(stdout);
  wasi_raise(argc > 1 ? 15 : 6);
  printf("not reached\n");
  return 0;
}
