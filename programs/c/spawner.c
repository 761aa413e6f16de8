/*
 * spawner — start another program and then behave in one of the ways process-tree tests need
 * (Keel's limits, orphans and tree kills). PROG is a path inside a preopened directory, ARGV its
 * arguments from argv[0] on; the child gets this process's stdio.
 *
 *   spawner wait PROG ARGV...         start PROG, wait for it, print "child exited N"; exit 0
 *   spawner spin PROG ARGV...         start PROG, then loop forever without waiting for it
 *   spawner orphan FILE PROG ARGV...  start PROG and exit 0 at once, leaving it an orphan; unless
 *                                     FILE is "-", first write "ORPHAN=<its pid>" and
 *                                     "GROUP=<this pid>" lines to FILE (a shell can source it)
 *   spawner write FILE TEXT           write TEXT and a newline to FILE; exit 0
 */
#include <stdio.h>
#include <string.h>

#include "keel.h"

/* Start `prog[0]` with arguments prog[1...] (NULL-terminated, as main's argv is). */
static int start(char **prog, int *pid) {
  int err = keel_spawn(prog[0], prog + 1, NULL, NULL, 0, pid);
  if (err) fprintf(stderr, "spawner: cannot start %s: %s\n", prog[0], strerror(err));
  return err;
}

int main(int argc, char **argv) {
  int pid = 0;
  if (argc >= 4 && strcmp(argv[1], "wait") == 0) {
    if (start(argv + 2, &pid)) return 1;
    int status = 0, waited = 0;
    int err = keel_wait(pid, &status, &waited);
    if (err) {
      fprintf(stderr, "spawner: wait: %s\n", strerror(err));
      return 1;
    }
    printf("child exited %d\n", status);
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "spin") == 0) {
    if (start(argv + 2, &pid)) return 1;
    volatile unsigned long x = 0;
    for (;;) x++;
  }
  if (argc >= 5 && strcmp(argv[1], "orphan") == 0) {
    if (start(argv + 3, &pid)) return 1;
    if (strcmp(argv[2], "-") != 0) {
      FILE *f = fopen(argv[2], "w");
      if (!f) {
        perror(argv[2]);
        return 1;
      }
      fprintf(f, "ORPHAN=%d\nGROUP=%d\n", pid, keel_getpid());
      fclose(f);
    }
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "write") == 0) {
    FILE *f = fopen(argv[2], "w");
    if (!f) {
      perror(argv[2]);
      return 1;
    }
    fprintf(f, "%s\n", argv[3]);
    return fclose(f) == 0 ? 0 : 1;
  }
  fprintf(stderr, "usage: spawner wait|spin PROG ARGV... | orphan FILE PROG ARGV... | write FILE TEXT\n");
  return 2;
}
