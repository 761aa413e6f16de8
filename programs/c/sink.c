/*
 * sink — read stdin to the end in 64 KiB reads; exit 0 if exactly MIB mebibytes arrived, else
 * print what did and exit 1 (the consumer of the pipe benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv) {
  long want = (argc > 1 ? atol(argv[1]) : 1) * 1024 * 1024;
  long got = 0;
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) { perror("sink: read"); return 1; }
    if (n == 0) break;
    got += n;
  }
  if (got != want) { fprintf(stderr, "sink: got %ld bytes, expected %ld\n", got, want); return 1; }
  return 0;
}
