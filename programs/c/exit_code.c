/*
 * exit_code.c - exit with a chosen status.
 *
 * Invoke:  exit_code N          (N a decimal integer; use 0..125 for
 *                                portable results; missing N means 0)
 * Prints:  "exiting with N\n" to stdout and "bye\n" to stderr, then calls
 *          exit(N).  A non-numeric N prints a usage line to stderr and
 *          exits 1 (nothing on stdout).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = 0;
    if (argc > 2) {
        fputs("usage: exit_code N\n", stderr);
        return 1;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno || *end || end == argv[1]) {
            fprintf(stderr, "exit_code: bad number '%s'\n", argv[1]);
            return 1;
        }
    }
    printf("exiting with %ld\n", n);
    fputs("bye\n", stderr);
    exit((int)n);
}
