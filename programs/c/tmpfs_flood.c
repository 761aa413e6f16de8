/*
 * tmpfs_flood — a hostile program against a memory file system: make one kind of thing in DIR
 * until the file system says no, and report how far it got (test/system/tmpfs-limits.test.ts).
 *
 *   tmpfs_flood symlinks DIR LEN   symlinks DIR/lN whose targets are LEN bytes;
 *                                  prints "symlinks N: <strerror>"
 *   tmpfs_flood names DIR          empty files with 255-byte names;
 *                                  prints "names N: <strerror>"
 *   tmpfs_flood files DIR          files of one byte named DIR/fN;
 *                                  prints "files N: <strerror>"
 *   tmpfs_flood deep DIR LEN       a chain of directories with LEN-byte names, each made and
 *                                  entered relative to the one before (mkdirat, openat), so no
 *                                  path is ever long; prints "deep N: <strerror>"
 *   tmpfs_flood append FILE        append 64 KiB chunks to FILE;
 *                                  prints "append N KiB: <strerror>"
 * Every mode stops at the first failing call and exits 0 after printing; bad arguments exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char name_buf[300];

/* A name of exactly `len` bytes (at least 8) ending in the decimal `n`. */
static const char *long_name(long n, int len) {
    char digits[24];
    int d = snprintf(digits, sizeof digits, "%ld", n);
    memset(name_buf, 'n', (size_t)len);
    memcpy(name_buf + len - d, digits, (size_t)d);
    name_buf[len] = '\0';
    return name_buf;
}

static int report(const char *what, long n, int err) {
    printf("%s %ld: %s\n", what, n, strerror(err));
    return 0;
}

static int symlinks(const char *dir, long len) {
    char *target = malloc((size_t)len + 1);
    char path[512];
    if (!target) return 2;
    memset(target, 't', (size_t)len);
    target[len] = '\0';
    for (long n = 0;; n++) {
        snprintf(path, sizeof path, "%s/l%ld", dir, n);
        target[0] = (char)('a' + n % 26); /* no two targets alike */
        if (symlink(target, path) != 0) return report("symlinks", n, errno);
    }
}

static int names(const char *dir) {
    char path[600];
    for (long n = 0;; n++) {
        snprintf(path, sizeof path, "%s/%s", dir, long_name(n, 255));
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) return report("names", n, errno);
        close(fd);
    }
}

static int files(const char *dir) {
    char path[512];
    for (long n = 0;; n++) {
        snprintf(path, sizeof path, "%s/f%ld", dir, n);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) return report("files", n, errno);
        int ok = write(fd, "x", 1) == 1;
        int err = errno;
        close(fd);
        if (!ok) return report("files", n, err);
    }
}

static int deep(const char *dir, int len) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return report("deep", 0, errno);
    for (long n = 0;; n++) {
        const char *name = long_name(n, len);
        if (mkdirat(fd, name, 0755) != 0) return report("deep", n, errno);
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        if (next < 0) return report("deep", n + 1, errno);
        close(fd);
        fd = next;
    }
}

static int append(const char *file) {
    static char chunk[64 * 1024];
    memset(chunk, 'a', sizeof chunk);
    int fd = open(file, O_CREAT | O_WRONLY | O_APPEND, 0644);
    if (fd < 0) return report("append", 0, errno);
    for (long kib = 0;; kib += 64) {
        chunk[0] = (char)kib;
        if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) return report("append", kib, errno);
    }
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "symlinks") == 0) return symlinks(argv[2], atol(argv[3]));
    if (argc == 3 && strcmp(argv[1], "names") == 0) return names(argv[2]);
    if (argc == 3 && strcmp(argv[1], "files") == 0) return files(argv[2]);
    if (argc == 4 && strcmp(argv[1], "deep") == 0 && atoi(argv[3]) >= 8 && atoi(argv[3]) <= 255) return deep(argv[2], atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "append") == 0) return append(argv[2]);
    fprintf(stderr, "usage: tmpfs_flood symlinks DIR LEN | names DIR | files DIR | deep DIR LEN | append FILE\n");
    return 2;
}
