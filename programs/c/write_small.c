/*
 * write_small.c - benchmark workload: many small unbuffered writes.
 *
 * Invoke:  write_small PATH COUNT SIZE      (benchmark: PATH 100000 64)
 * Opens PATH with O_WRONLY|O_CREAT|O_TRUNC, issues COUNT write() calls of
 * SIZE bytes each (POSIX write(), no stdio buffering; a short write is
 * completed with further calls), closes it.  The file ends up COUNT*SIZE
 * bytes long, every byte 'x'.
 * Prints:  "wrote COUNT x SIZE\n" to stdout; exits 0.
 * Errors:  "write_small: PATH: <strerror>" or usage on stderr, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long parse(const char *s, const char *what) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-') {
        fprintf(stderr, "write_small: bad %s '%s'\n", what, s);
        exit(1);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: write_small PATH COUNT SIZE\n", stderr);
        return 1;
    }
    const char *path = argv[1];
    unsigned long count = parse(argv[2], "COUNT");
    unsigned long size = parse(argv[3], "SIZE");

    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fputs("write_small: out of memory\n", stderr);
        return 1;
    }
    memset(buf, 'x', size);

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        goto io_error;
    for (unsigned long i = 0; i < count; i++) {
        size_t done = 0;
        do {
            ssize_t w = write(fd, buf + done, size - done);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                goto io_error;
            }
            done += (size_t)w;
        } while (done < size);
    }
    if (close(fd) < 0)
        goto io_error;
    printf("wrote %lu x %lu\n", count, size);
    free(buf);
    return 0;

io_error:
    fprintf(stderr, "write_small: %s: %s\n", path, strerror(errno));
    return 1;
}
