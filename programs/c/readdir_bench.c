/*
 * readdir_bench.c - benchmark workload: list a large directory, many times.
 *
 * Invoke:  readdir_bench DIR COUNT ROUNDS [TIMEFILE]
 * Makes DIR/many holding COUNT empty files f0000000 … (files already there are kept), then ROUNDS
 * times opens the directory, reads every entry with readdir() and closes it, checking each round
 * saw COUNT entries besides "." and "..". With TIMEFILE, the nanoseconds the ROUNDS listings took
 * (CLOCK_MONOTONIC) are written there. Prints "listed COUNT entries ROUNDS times" and exits 0; on
 * error prints the failing call and exits 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what, const char *path) {
    fprintf(stderr, "readdir_bench: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fputs("usage: readdir_bench DIR COUNT ROUNDS [TIMEFILE]\n", stderr);
        return 1;
    }
    long count = atol(argv[2]);
    long rounds = atol(argv[3]);
    if (count < 0 || count > 10000000 || rounds < 0) {
        fputs("readdir_bench: bad COUNT or ROUNDS\n", stderr);
        return 1;
    }
    static char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/many", argv[1]);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        fail("mkdir", dir);
    for (long i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/f%07ld", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        if (fd < 0 || close(fd) < 0)
            fail("create", path);
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long r = 0; r < rounds; r++) {
        DIR *d = opendir(dir);
        if (!d)
            fail("opendir", dir);
        long seen = 0;
        struct dirent *e;
        errno = 0;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                seen++;
        }
        if (errno != 0)
            fail("readdir", dir);
        closedir(d);
        if (seen != count) {
            fprintf(stderr, "readdir_bench: round %ld saw %ld entries, not %ld\n", r, seen, count);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (argc == 5) {
        FILE *f = fopen(argv[4], "w");
        long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        if (!f || fprintf(f, "%lld\n", ns) < 0 || fclose(f) != 0)
            fail("write", argv[4]);
    }
    printf("listed %ld entries %ld times\n", count, rounds);
    return 0;
}
