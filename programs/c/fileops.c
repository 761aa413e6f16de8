/*
 * fileops.c - exercise path operations inside a directory.
 *
 * Invoke:  fileops DIR     (DIR: an absolute guest path inside a preopened
 *                           directory, e.g. /sandbox or /sandbox/sub)
 * Works in DIR/fileops.d (leftovers from an earlier interrupted run are
 * silently removed first).  Prints one line per step to stdout; when every
 * step behaves as expected the output is exactly:
 *     mkdir ok                  mkdir DIR/fileops.d
 *     create ok                 open(a.txt, O_CREAT|O_EXCL|O_WRONLY)
 *     create again: EEXIST      same open again must fail with EEXIST
 *     write ok                  write 14 bytes "hello fileops\n"
 *     fstat size 14             fstat on the open fd
 *     rename ok                 rename a.txt -> b.txt (after close)
 *     stat size 14              stat b.txt
 *     old name: ENOENT          open(a.txt, O_RDONLY) must fail with ENOENT
 *     unlink ok                 unlink b.txt
 *     rmdir ok                  rmdir DIR/fileops.d
 *     escape: refused           open(DIR/../escape, O_CREAT|O_EXCL|O_WRONLY)
 *                               must fail in a confined sandbox.  One ".."
 *                               per component of DIR is used (so DIR=/sandbox
 *                               gives /sandbox/../escape, DIR=/sandbox/sub
 *                               gives /sandbox/sub/../../escape): the target
 *                               always lies above the preopen root.
 * and the exit status is 0.
 * Failures: an unexpected result prints "fileops: STEP: ..." to stderr and
 * exits 1 immediately; if the escape open succeeds it prints
 * "escape: ALLOWED" to stdout, removes the file it created, and exits 1.
 * (The errno of the refused escape is not printed since runtimes differ:
 * ENOTCAPABLE, EPERM, ...)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "no error";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case EXDEV: return "EXDEV";
    default: return "E?";
    }
}

static void fail(const char *step) {
    int e = errno;
    fprintf(stderr, "fileops: %s: %s (%s)\n", step, errname(e), strerror(e));
    exit(1);
}

static char *join(const char *a, const char *b) {
    size_t la = strlen(a);
    int slash = la > 0 && a[la - 1] != '/';
    size_t len = la + 1 + strlen(b) + 1;
    char *p = malloc(len);
    if (!p) {
        fputs("fileops: out of memory\n", stderr);
        exit(1);
    }
    snprintf(p, len, "%s%s%s", a, slash ? "/" : "", b);
    return p;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: fileops DIR\n", stderr);
        return 1;
    }
    const char *dir = argv[1];
    char *sub = join(dir, "fileops.d");
    char *a = join(sub, "a.txt");
    char *b = join(sub, "b.txt");
    /* One ".." per path component of DIR (at least one), so the escape
     * target is above the guest root, hence outside every preopen. */
    size_t depth = 0;
    for (const char *p = dir; *p;) {
        while (*p == '/')
            p++;
        const char *q = p;
        while (*q && *q != '/')
            q++;
        if (q > p && !(q - p == 1 && *p == '.'))
            depth++;
        p = q;
    }
    if (depth == 0)
        depth = 1;
    char *ups = malloc(depth * 3 + sizeof "escape");
    if (!ups) {
        fputs("fileops: out of memory\n", stderr);
        return 1;
    }
    ups[0] = '\0';
    for (size_t i = 0; i < depth; i++)
        strcat(ups, "../");
    strcat(ups, "escape");
    char *escape = join(dir, ups);
    static const char data[] = "hello fileops\n";
    const size_t dlen = sizeof data - 1;

    /* Remove leftovers of an interrupted earlier run (errors ignored). */
    unlink(a);
    unlink(b);
    rmdir(sub);

    if (mkdir(sub, 0755) < 0)
        fail("mkdir");
    puts("mkdir ok");

    int fd = open(a, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0)
        fail("create");
    puts("create ok");

    errno = 0;
    int fd2 = open(a, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd2 >= 0 || errno != EEXIST) {
        if (fd2 >= 0)
            close(fd2);
        fprintf(stderr, "fileops: create again: expected EEXIST, got %s\n",
                fd2 >= 0 ? "success" : errname(errno));
        return 1;
    }
    printf("create again: %s\n", errname(errno));

    ssize_t w = write(fd, data, dlen);
    if (w < 0)
        fail("write");
    if ((size_t)w != dlen) {
        fprintf(stderr, "fileops: write: short write %zd of %zu\n", w, dlen);
        return 1;
    }
    puts("write ok");

    struct stat st;
    if (fstat(fd, &st) < 0)
        fail("fstat");
    printf("fstat size %lld\n", (long long)st.st_size);
    if ((size_t)st.st_size != dlen || !S_ISREG(st.st_mode)) {
        fputs("fileops: fstat: wrong size or not a regular file\n", stderr);
        return 1;
    }
    if (close(fd) < 0)
        fail("close");

    if (rename(a, b) < 0)
        fail("rename");
    puts("rename ok");

    if (stat(b, &st) < 0)
        fail("stat");
    printf("stat size %lld\n", (long long)st.st_size);
    if ((size_t)st.st_size != dlen || !S_ISREG(st.st_mode)) {
        fputs("fileops: stat: wrong size or not a regular file\n", stderr);
        return 1;
    }

    errno = 0;
    fd = open(a, O_RDONLY);
    if (fd >= 0 || errno != ENOENT) {
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "fileops: old name: expected ENOENT, got %s\n",
                fd >= 0 ? "success" : errname(errno));
        return 1;
    }
    printf("old name: %s\n", errname(errno));

    if (unlink(b) < 0)
        fail("unlink");
    puts("unlink ok");

    if (rmdir(sub) < 0)
        fail("rmdir");
    puts("rmdir ok");

    fd = open(escape, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) {
        close(fd);
        unlink(escape); /* we created it (O_EXCL), so removing it is safe */
        puts("escape: ALLOWED");
        return 1;
    }
    puts("escape: refused");
    return 0;
}
