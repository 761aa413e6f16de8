/*
 * read_cached.c - benchmark workload: repeatedly re-read a (cached) file.
 *
 * Invoke:  read_cached PATH MIB ROUNDS [TIMEFILE]
 * Creates/truncates PATH with MIB MiB of data (byte at offset i is
 * (i * 31 + i / 4096) & 0xff, written in 64 KiB chunks), then ROUNDS times:
 * opens PATH read-only, read()s it to EOF 4096 bytes at a time, closes it.
 * A checksum (64-bit FNV-1a over every 8-byte word read, across all rounds)
 * keeps the reads honest while costing little next to the reads themselves.
 * With TIMEFILE, the nanoseconds the read rounds took (CLOCK_MONOTONIC, open
 * of the first round to close of the last) are written there as decimal text,
 * so a benchmark can time the reads apart from start-up and the writes.
 * Prints to stdout:
 *     read TOTAL bytes          (TOTAL = MIB * 1048576 * ROUNDS)
 *     checksum XXXXXXXXXXXXXXXX (16 lowercase hex digits)
 * Exits 0 (the checksum depends only on MIB and ROUNDS).
 * Errors:  "read_cached: PATH: <strerror>", a size mismatch message, or a
 *          usage line on stderr, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *path;

static void io_fail(void) {
    fprintf(stderr, "read_cached: %s: %s\n", path, strerror(errno));
    exit(1);
}

static unsigned long parse(const char *s, const char *what) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-') {
        fprintf(stderr, "read_cached: bad %s '%s'\n", what, s);
        exit(1);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fputs("usage: read_cached PATH MIB ROUNDS [TIMEFILE]\n", stderr);
        return 1;
    }
    path = argv[1];
    unsigned long mib = parse(argv[2], "MIB");
    unsigned long rounds = parse(argv[3], "ROUNDS");
    if (mib > 65536) {
        fputs("read_cached: MIB too large\n", stderr);
        return 1;
    }
    const uint64_t size = (uint64_t)mib * 1024 * 1024;
    static unsigned char buf[64 * 1024] __attribute__((aligned(8)));

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        io_fail();
    for (uint64_t off = 0; off < size;) {
        size_t n = sizeof buf;
        if (size - off < n)
            n = (size_t)(size - off);
        for (size_t i = 0; i < n; i++) {
            uint64_t p = off + i;
            buf[i] = (unsigned char)(p * 31 + p / 4096);
        }
        for (size_t done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, n - done);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                io_fail();
            }
            done += (size_t)w;
        }
        off += n;
    }
    if (close(fd) < 0)
        io_fail();

    uint64_t total = 0;
    uint64_t h = 14695981039346656037ull;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long r = 0; r < rounds; r++) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            io_fail();
        uint64_t this_round = 0;
        for (;;) {
            ssize_t n = read(fd, buf, 4096);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                io_fail();
            }
            if (n == 0)
                break;
            uint64_t w;
            ssize_t i = 0;
            for (; i + 8 <= n; i += 8) {
                memcpy(&w, buf + i, 8);
                h ^= w;
                h *= 1099511628211ull;
            }
            for (; i < n; i++) {
                h ^= buf[i];
                h *= 1099511628211ull;
            }
            this_round += (uint64_t)n;
        }
        if (close(fd) < 0)
            io_fail();
        if (this_round != size) {
            fprintf(stderr, "read_cached: round %lu read %llu bytes, expected %llu\n",
                    r, (unsigned long long)this_round, (unsigned long long)size);
            return 1;
        }
        total += this_round;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (argc == 5) {
        FILE *f = fopen(argv[4], "w");
        long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        if (!f || fprintf(f, "%lld\n", ns) < 0 || fclose(f) != 0) {
            fprintf(stderr, "read_cached: %s: %s\n", argv[4], strerror(errno));
            return 1;
        }
    }
    printf("read %llu bytes\n", (unsigned long long)total);
    printf("checksum %016llx\n", (unsigned long long)h);
    return 0;
}
