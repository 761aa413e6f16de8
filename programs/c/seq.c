/*
 * seq — print the integers FIRST..LAST, one per line (like coreutils seq).
 *   seq 1 5  →  1 2 3 4 5 on separate lines
 * With one argument N it prints 1..N. Used as the producer of pipeline tests; a big LAST makes a
 * stream larger than a pipe's buffer.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long first = 1, last = 10;
  if (argc == 2) last = atol(argv[1]);
  if (argc >= 3) {
    first = atol(argv[1]);
    last = atol(argv[2]);
  }
  for (long i = first; i <= last; i++) printf("%ld\n", i);
  return 0;
}
