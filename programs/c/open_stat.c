/*
 * open_stat.c - benchmark workload: open, fstat and close a file on a deep path, many times.
 *
 * Invoke:  open_stat DIR DEPTH COUNT [TIMEFILE]
 * Makes DIR/d0/d1/.../d{DEPTH-1}/file (directories that exist are fine), then COUNT times opens
 * that path read-only, fstat()s it and closes it. Every path_open walks DEPTH + 1 components.
 * With TIMEFILE, the nanoseconds the COUNT rounds took (CLOCK_MONOTONIC) are written there.
 * Prints "COUNT opens of a DEPTH-deep path" and exits 0; on error prints the failing call and
 * exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what, const char *path) {
    fprintf(stderr, "open_stat: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fputs("usage: open_stat DIR DEPTH COUNT [TIMEFILE]\n", stderr);
        return 1;
    }
    int depth = atoi(argv[2]);
    long count = atol(argv[3]);
    if (depth < 0 || depth > 64 || count < 0) {
        fputs("open_stat: bad DEPTH or COUNT\n", stderr);
        return 1;
    }
    static char path[4096];
    size_t len = (size_t)snprintf(path, sizeof path, "%s", argv[1]);
    for (int i = 0; i < depth; i++) {
        len += (size_t)snprintf(path + len, sizeof path - len, "/d%d", i);
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            fail("mkdir", path);
    }
    snprintf(path + len, sizeof path - len, "/file");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "keel\n", 5) != 5 || close(fd) < 0)
        fail("create", path);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++) {
        struct stat st;
        fd = open(path, O_RDONLY);
        if (fd < 0)
            fail("open", path);
        if (fstat(fd, &st) < 0 || st.st_size != 5)
            fail("fstat", path);
        if (close(fd) < 0)
            fail("close", path);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (argc == 5) {
        FILE *f = fopen(argv[4], "w");
        long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        if (!f || fprintf(f, "%lld\n", ns) < 0 || fclose(f) != 0)
            fail("write", argv[4]);
    }
    printf("%ld opens of a %d-deep path\n", count, depth);
    return 0;
}
