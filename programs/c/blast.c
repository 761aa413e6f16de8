/*
 * blast — write MIB mebibytes to stdout in 64 KiB writes (the producer of the pipe benchmark).
 *   blast 100   →  104857600 bytes of a repeating pattern
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char block[65536];

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 1;
  for (size_t i = 0; i < sizeof block; i++) block[i] = (char)('a' + i % 26);
  long total = mib * 1024 * 1024;
  while (total > 0) {
    size_t want = total < (long)sizeof block ? (size_t)total : sizeof block;
    size_t done = 0;
    while (done < want) {
      ssize_t n = write(1, block + done, want - done);
      if (n <= 0) { perror("blast: write"); return 1; }
      done += (size_t)n;
    }
    total -= (long)want;
  }
  return 0;
}
