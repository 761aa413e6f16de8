/*
 * large_file.c - write, read back and verify a multi-MiB file.
 *
 * Invoke:  large_file PATH [MIB]        (MIB defaults to 8; 0 is allowed)
 * Steps:
 *   1. create/truncate PATH and write MIB MiB in 64 KiB write() chunks of a
 *      deterministic pseudo-random pattern: byte at offset i is taken from
 *      one LCG step (x = w * 6364136223846793005 + 1442695040888963407,
 *      w = i / 8), xor-folded (x ^= x >> 32), byte (i % 8) of x.  Because it
 *      is a pure function of the offset it can be checked at any position.
 *   2. close, reopen read-only, read everything back in 12345-byte read()
 *      calls and verify every byte (and that exactly N bytes come back);
 *   3. lseek(fd, 0, SEEK_END) must return N;
 *   4. lseek(fd, N/2 + 4321, SEEK_SET), read up to 1000 bytes there and
 *      verify them (skipped when N is 0).
 * Prints:  "wrote N bytes\n" then "verified N bytes\n" (N = MIB * 1048576)
 *          to stdout; exits 0.
 * Errors:  data/size/seek mismatch: "large_file: mismatch at offset O: ..."
 *          on stderr, exit 2.  I/O errors or bad arguments:
 *          "large_file: ...: <strerror>" / usage on stderr, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITE_CHUNK (64 * 1024)
#define READ_CHUNK 12345
#define MID_LEN 1000

static const char *path;

static inline uint8_t pattern_byte(uint64_t off) {
    uint64_t x = (off >> 3) * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 32;
    return (uint8_t)(x >> ((off & 7) * 8));
}

static void io_fail(const char *what) {
    fprintf(stderr, "large_file: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

/* Check buf[0..n) against the pattern starting at file offset base. */
static void verify(const uint8_t *buf, size_t n, uint64_t base) {
    for (size_t i = 0; i < n; i++) {
        uint8_t want = pattern_byte(base + i);
        if (buf[i] != want) {
            fprintf(stderr,
                    "large_file: mismatch at offset %llu: expected 0x%02x got 0x%02x\n",
                    (unsigned long long)(base + i), want, buf[i]);
            exit(2);
        }
    }
}

/* read() until n bytes or EOF; returns bytes read. */
static size_t read_full(int fd, uint8_t *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            io_fail("read");
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return got;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fputs("usage: large_file PATH [MIB]\n", stderr);
        return 1;
    }
    path = argv[1];
    unsigned long mib = 8;
    if (argc == 3) {
        char *end;
        errno = 0;
        mib = strtoul(argv[2], &end, 10);
        if (errno || *end || end == argv[2] || argv[2][0] == '-' || mib > 65536) {
            fprintf(stderr, "large_file: bad MIB '%s'\n", argv[2]);
            return 1;
        }
    }
    const uint64_t size = (uint64_t)mib * 1024 * 1024;
    static uint8_t buf[WRITE_CHUNK];

    /* 1. write */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        io_fail("open");
    for (uint64_t off = 0; off < size;) {
        size_t n = size - off < WRITE_CHUNK ? (size_t)(size - off) : WRITE_CHUNK;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern_byte(off + i);
        for (size_t done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, n - done);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                io_fail("write");
            }
            done += (size_t)w;
        }
        off += n;
    }
    if (close(fd) < 0)
        io_fail("close");
    printf("wrote %llu bytes\n", (unsigned long long)size);

    /* 2. read back in odd-sized chunks */
    fd = open(path, O_RDONLY);
    if (fd < 0)
        io_fail("reopen");
    uint64_t off = 0;
    for (;;) {
        size_t n = read_full(fd, buf, READ_CHUNK);
        if (off + n > size) {
            fprintf(stderr, "large_file: mismatch at offset %llu: file longer than %llu bytes\n",
                    (unsigned long long)size, (unsigned long long)size);
            return 2;
        }
        verify(buf, n, off);
        off += n;
        if (n < READ_CHUNK)
            break;
    }
    if (off != size) {
        fprintf(stderr, "large_file: mismatch at offset %llu: file ends early (expected %llu bytes)\n",
                (unsigned long long)off, (unsigned long long)size);
        return 2;
    }

    /* 3. size via SEEK_END */
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        io_fail("lseek SEEK_END");
    if ((uint64_t)end != size) {
        fprintf(stderr, "large_file: mismatch at offset %lld: SEEK_END returned %lld, expected %llu\n",
                (long long)end, (long long)end, (unsigned long long)size);
        return 2;
    }

    /* 4. random access in the middle */
    if (size > 0) {
        uint64_t mid = size / 2 + 4321;
        off_t pos = lseek(fd, (off_t)mid, SEEK_SET);
        if (pos < 0)
            io_fail("lseek SEEK_SET");
        if ((uint64_t)pos != mid) {
            fprintf(stderr, "large_file: mismatch at offset %llu: SEEK_SET returned %lld\n",
                    (unsigned long long)mid, (long long)pos);
            return 2;
        }
        size_t want = size - mid < MID_LEN ? (size_t)(size - mid) : MID_LEN;
        size_t n = read_full(fd, buf, want);
        if (n != want) {
            fprintf(stderr, "large_file: mismatch at offset %llu: short read %zu of %zu after seek\n",
                    (unsigned long long)(mid + n), n, want);
            return 2;
        }
        verify(buf, n, mid);
    }
    if (close(fd) < 0)
        io_fail("close");
    printf("verified %llu bytes\n", (unsigned long long)size);
    return 0;
}
