/*
 * cat.c - concatenate files (or stdin) to stdout using raw read()/write().
 *
 * Invoke:  cat                 copy fd 0 to fd 1 until EOF
 *          cat FILE...         copy each FILE in order ("-" means stdin)
 * Prints:  the bytes, unchanged, to stdout; nothing else.  Exits 0.
 * Errors:  "cat: PATH: <strerror>\n" on stderr ("cat: stdin: ..." /
 *          "cat: stdout: ..." for the std streams); a file that cannot be
 *          opened or read is reported and skipped, and the exit status is 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[65536];

/* Returns 0 on success, 1 on read error, -1 on write error (fatal). */
static int copy_fd(int fd, const char *name) {
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
            return 1;
        }
        if (n == 0)
            return 0;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "cat: stdout: %s\n", strerror(errno));
                return -1;
            }
            off += w;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2)
        return copy_fd(0, "stdin") == 0 ? 0 : 1;

    int status = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "-") == 0) {
            r = copy_fd(0, "stdin");
        } else {
            int fd = open(argv[i], O_RDONLY);
            if (fd < 0) {
                fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
                status = 1;
                continue;
            }
            r = copy_fd(fd, argv[i]);
            close(fd);
        }
        if (r < 0)
            return 1;
        if (r > 0)
            status = 1;
    }
    return status;
}
