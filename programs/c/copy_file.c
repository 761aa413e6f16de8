/*
 * copy_file.c - copy one file to another with a read()/write() loop.
 *
 * Invoke:  copy_file SRC DST
 * Copies SRC to DST (DST created or truncated, mode 0644) in 4096-byte
 * read() chunks, handling short writes.
 * Prints:  "copied N bytes\n" to stdout; exits 0.
 * Errors:  "copy_file: PATH: <strerror>\n" to stderr (PATH is whichever of
 *          SRC/DST failed), exit 1.  Wrong argument count: usage line on
 *          stderr, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *path) {
    fprintf(stderr, "copy_file: %s: %s\n", path, strerror(errno));
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: copy_file SRC DST\n", stderr);
        return 1;
    }
    const char *src = argv[1], *dst = argv[2];

    int in = open(src, O_RDONLY);
    if (in < 0)
        return fail(src);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        return fail(dst);

    static char buf[4096];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(src);
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return fail(dst);
            }
            off += w;
        }
        total += (unsigned long long)n;
    }
    if (close(in) < 0)
        return fail(src);
    if (close(out) < 0)
        return fail(dst);
    printf("copied %llu bytes\n", total);
    return 0;
}
