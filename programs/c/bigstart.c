/*
 * bigstart — a program whose memory starts large: 24 MiB of zeroed static data make its module's
 * initial memory over 24 MiB (the memory budget's check at spawn). Prints "started" and exits 0.
 */
#include <stdio.h>

static volatile char big[24 << 20];

int main(void) {
  big[sizeof big - 1] = 1;
  printf("started %d\n", big[sizeof big - 1]);
  return 0;
}
