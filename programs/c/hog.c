/*
 * hog — use up one resource until the system says no, and report how far it got (the
 * resource-limit tests of the embedding API).
 *
 *   hog memory STEP_KIB   malloc STEP_KIB blocks (touching each) until malloc fails; prints
 *                         "allocated N KiB" and exits 0, or is killed by the limit
 *   hog fds PATH          open PATH read-only again and again until open fails; prints
 *                         "opened N: <strerror>" and exits 0
 *   hog spin              loop forever without a system call (a time limit's target)
 *   hog echo              copy stdin to stdout line by line, flushing each line; at end of
 *                         input print "lines N" on stderr
 *   hog grab MIB [hold]   malloc and touch MIB MiB (exit 1 if malloc fails), print "grabbed MIB
 *                         MiB" (a system call: the memory ledger hears of it) and exit 0 — or,
 *                         with `hold`, act as `hog echo`, holding the memory until stdin ends
 *   hog children PATH     start PATH ("hog echo", with this process's stdio) again and again
 *                         without waiting, until keel_spawn fails; prints "started N: <strerror>",
 *                         then kills and waits for every child and prints "reaped N"; exits 0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel.h"

/* Where grab keeps its block, so the compiler cannot drop the allocation. */
static char *volatile held;

static int children(const char *path) {
    static int pids[4096];
    char *args[] = {"hog", "echo", NULL};
    int n = 0, err = 0;
    while (n < 4096 && (err = keel_spawn(path, args, NULL, NULL, 0, &pids[n])) == 0) n++;
    printf("started %d: %s\n", n, err ? strerror(err) : "no error");
    fflush(stdout);
    int reaped = 0;
    for (int i = 0; i < n; i++) {
        int32_t status = 0, waited = 0;
        (void)__keel_kill(pids[i], 9);
        if (__keel_wait(pids[i], &status, &waited) == 0) reaped++;
    }
    printf("reaped %d\n", reaped);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "children") == 0) return children(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "memory") == 0) {
    size_t step = (size_t)atol(argv[2]) * 1024;
    if (step < sizeof(void *)) step = sizeof(void *);
    /* Chain the blocks and walk the chain at the end, so the compiler cannot drop them. */
    void *head = NULL;
    for (;;) {
      void **p = malloc(step);
      if (!p) break;
      memset(p, 1, step);
      *p = head;
      head = p;
    }
    size_t total = 0;
    for (void **p = head; p; p = *p) total += step;
    printf("allocated %zu KiB\n", total / 1024);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "grab") == 0) {
    size_t mib = (size_t)atol(argv[2]);
    char *p = malloc(mib << 20);
    if (!p) {
      printf("grab: malloc failed\n");
      fflush(stdout);
      return 1;
    }
    memset(p, 1, mib << 20);
    held = p;
    printf("grabbed %zu MiB\n", mib);
    fflush(stdout);
    if (argc < 4 || strcmp(argv[3], "hold") != 0) return 0;
    argv[1] = "echo";
  }
  if (argc >= 3 && strcmp(argv[1], "fds") == 0) {
    int n = 0;
    for (;;) {
      int fd = open(argv[2], O_RDONLY);
      if (fd < 0) break;
      n++;
    }
    printf("opened %d: %s\n", n, strerror(errno));
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "spin") == 0) {
    volatile unsigned long x = 0;
    for (;;) x++;
  }
  if (argc >= 2 && strcmp(argv[1], "echo") == 0) {
    char line[4096];
    long lines = 0;
    while (fgets(line, sizeof line, stdin)) {
      fputs(line, stdout);
      fflush(stdout);
      lines++;
    }
    fprintf(stderr, "lines %ld\n", lines);
    return 0;
  }
  fprintf(stderr, "usage: hog memory STEP_KIB | grab MIB | fds PATH | spin | echo | children PATH\n");
  return 2;
}
