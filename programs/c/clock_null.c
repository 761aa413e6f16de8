/*
 * clock_null.c - benchmark workload: a cheap, purely local syscall.
 *
 * Invoke:  clock_null COUNT
 * Calls clock_gettime(CLOCK_MONOTONIC) COUNT times (WASI clock_time_get),
 * checking each call succeeds and that time never goes backwards.
 * Prints:  "done COUNT\n" to stdout; exits 0.
 * Errors:  "clock_null: ..." or usage on stderr, exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: clock_null COUNT\n", stderr);
        return 1;
    }
    char *end;
    errno = 0;
    unsigned long count = strtoul(argv[1], &end, 10);
    if (errno || *end || end == argv[1] || argv[1][0] == '-') {
        fprintf(stderr, "clock_null: bad COUNT '%s'\n", argv[1]);
        return 1;
    }

    struct timespec prev = {0, 0}, now;
    for (unsigned long i = 0; i < count; i++) {
        if (clock_gettime(CLOCK_MONOTONIC, &now) < 0) {
            fprintf(stderr, "clock_null: clock_gettime: %s\n", strerror(errno));
            return 1;
        }
        if (now.tv_sec < prev.tv_sec ||
            (now.tv_sec == prev.tv_sec && now.tv_nsec < prev.tv_nsec)) {
            fputs("clock_null: CLOCK_MONOTONIC went backwards\n", stderr);
            return 1;
        }
        prev = now;
    }
    printf("done %lu\n", count);
    return 0;
}
