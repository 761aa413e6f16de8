/*
 * attr_probe: file calls driven one line at a time from stdin, one answer line each on stdout,
 * so a test can interleave two processes on the same files and see exactly what each observes.
 *
 *   open PATH        open PATH read-only and keep it as the current fd     -> ok | err ERRNO
 *   wopen PATH       open PATH read-write (created if missing) as the current fd -> ok | err ERRNO
 *   pwrite OFF TEXT  write TEXT at offset OFF of the current fd             -> ok | err ERRNO
 *   pread OFF N      read N bytes at offset OFF of the current fd           -> data TEXT | err ERRNO
 *   writes N         N times: write one byte at the current fd's offset    -> ok | err ERRNO
 *   reads PATH N     N times: open PATH, read it to the end 4 KiB at a time, close -> ok BYTES | err ERRNO
 *   fstat            the current fd's size and link count                   -> size S nlink N
 *   close            close the current fd                                   -> ok
 *   append PATH [TEXT] open PATH for appending (created if missing), write TEXT, close -> ok
 *   trunc PATH N     truncate PATH to N bytes                               -> ok | err ERRNO
 *   rename A B       rename A to B                                          -> ok | err ERRNO
 *   unlink PATH      remove PATH                                            -> ok | err ERRNO
 *   stat PATH        stat PATH                                              -> size S | err ERRNO
 *   loop PATH N      N times: open PATH, fstat, close                       -> ok SIZE | err ERRNO
 *   stats PATH N     N times: stat PATH                                     -> ok SIZE | err ERRNO
 *   probe PATH N     N times: open PATH and stat PATH, counting successes   -> found K
 *   mkdir PATH       make directory PATH                                    -> ok | err ERRNO
 *   rmdir PATH       remove directory PATH                                  -> ok | err ERRNO
 *   churn LOCK N PATH N times, as SQLite's dot-file locking does around a query: make directory
 *                    LOCK, stat PATH, fstat the current fd, remove LOCK     -> ok | err ERRNO
 *   touch PATH       set PATH's times to now (utimes(PATH, NULL))          -> ok | err ERRNO
 *   settime PATH NS  set PATH's access and modification times to NS ns     -> ok | err ERRNO
 *   mtime            fstat the current fd                                   -> mtime SEC NSEC
 *   xopen PATH       create PATH, only if it does not exist (O_EXCL), read-write, as the current fd -> ok | err ERRNO
 *   cycle PATH N     N times, as SQLite's journal: create or truncate PATH, write 512 bytes, fsync,
 *                    close, unlink                                          -> ok | err ERRNO
 *   fsettime NS      set the current fd's access and modification times to NS ns -> ok | err ERRNO
 *   give PROG        start PROG with the current fd as its stdout, wait     -> exited CODE | err ERRNO
 *   dsync DIR N      N times, as SQLite after making or removing its journal: open directory DIR
 *                    read-only, fsync it, close it                          -> ok | err ERRNO
 *   quit             exit 0
 * ERRNO is the number (WASI's: ENOENT is 44).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "keel.h"

static int current = -1;

static void answer_errno(void) {
    printf("err %d\n", errno);
}

static void run(char *line) {
    char *cmd = strtok(line, " \n");
    char *a = strtok(NULL, " \n");
    char *b = strtok(NULL, "\n");
    struct stat st;
    if (!cmd) return;
    if (!strcmp(cmd, "open") && a) {
        current = open(a, O_RDONLY);
        if (current < 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "wopen") && a) {
        current = open(a, O_RDWR | O_CREAT, 0644);
        if (current < 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "pwrite") && a) {
        if (!b) b = "";
        size_t n = strlen(b);
        if (pwrite(current, b, n, atoll(a)) != (ssize_t)n) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "pread") && a && b) {
        char buf[256];
        size_t want = (size_t)atol(b);
        if (want >= sizeof buf) want = sizeof buf - 1;
        ssize_t got = pread(current, buf, want, atoll(a));
        if (got < 0) { answer_errno(); return; }
        buf[got] = 0;
        printf("data %s\n", buf);
    } else if (!strcmp(cmd, "writes") && a) {
        long n = atol(a);
        for (long i = 0; i < n; i++) {
            if (write(current, "x", 1) != 1) { answer_errno(); return; }
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "reads") && a && b) {
        static char chunk[4096];
        long n = atol(b);
        long long total = 0;
        for (long i = 0; i < n; i++) {
            int fd = open(a, O_RDONLY);
            if (fd < 0) { answer_errno(); return; }
            ssize_t got;
            while ((got = read(fd, chunk, sizeof chunk)) > 0) total += got;
            if (got < 0) { answer_errno(); close(fd); return; }
            close(fd);
        }
        printf("ok %lld\n", total);
    } else if (!strcmp(cmd, "fstat")) {
        if (fstat(current, &st) != 0) answer_errno();
        else printf("size %lld nlink %llu\n", (long long)st.st_size, (unsigned long long)st.st_nlink);
    } else if (!strcmp(cmd, "close")) {
        if (close(current) != 0) answer_errno(); else printf("ok\n");
        current = -1;
    } else if (!strcmp(cmd, "append") && a) {
        int fd = open(a, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd < 0) { answer_errno(); return; }
        if (!b) b = "";
        size_t n = strlen(b);
        if (write(fd, b, n) != (ssize_t)n) { answer_errno(); close(fd); return; }
        close(fd);
        printf("ok\n");
    } else if (!strcmp(cmd, "trunc") && a && b) {
        if (truncate(a, atoll(b)) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "rename") && a && b) {
        if (rename(a, b) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "unlink") && a) {
        if (unlink(a) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "stat") && a) {
        if (stat(a, &st) != 0) answer_errno(); else printf("size %lld\n", (long long)st.st_size);
    } else if (!strcmp(cmd, "loop") && a && b) {
        long n = atol(b);
        long long size = -1;
        for (long i = 0; i < n; i++) {
            int fd = open(a, O_RDONLY);
            if (fd < 0) { answer_errno(); return; }
            if (fstat(fd, &st) != 0) { answer_errno(); close(fd); return; }
            size = (long long)st.st_size;
            close(fd);
        }
        printf("ok %lld\n", size);
    } else if (!strcmp(cmd, "stats") && a && b) {
        long n = atol(b);
        for (long i = 0; i < n; i++) {
            if (stat(a, &st) != 0) { answer_errno(); return; }
        }
        printf("ok %lld\n", (long long)st.st_size);
    } else if (!strcmp(cmd, "probe") && a && b) {
        long n = atol(b), found = 0;
        for (long i = 0; i < n; i++) {
            int fd = open(a, O_RDONLY);
            if (fd >= 0) { found++; close(fd); }
            if (stat(a, &st) == 0) found++;
        }
        printf("found %ld\n", found);
    } else if (!strcmp(cmd, "mkdir") && a) {
        if (mkdir(a, 0755) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "rmdir") && a) {
        if (rmdir(a) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "churn") && a && b) {
        char *path = NULL;
        long n = strtol(b, &path, 10);
        while (path && *path == ' ') path++;
        if (!path || !*path) { printf("bad command\n"); return; }
        for (long i = 0; i < n; i++) {
            if (mkdir(a, 0755) != 0) { answer_errno(); return; }
            if (stat(path, &st) != 0 && errno != ENOENT) { answer_errno(); return; }
            if (fstat(current, &st) != 0) { answer_errno(); return; }
            if (rmdir(a) != 0) { answer_errno(); return; }
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "touch") && a) {
        if (utimes(a, NULL) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "settime") && a && b) {
        long long ns = atoll(b);
        struct timespec ts[2] = { { ns / 1000000000LL, ns % 1000000000LL }, { ns / 1000000000LL, ns % 1000000000LL } };
        if (utimensat(AT_FDCWD, a, ts, 0) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "mtime")) {
        if (fstat(current, &st) != 0) answer_errno();
        else printf("mtime %lld %ld\n", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    } else if (!strcmp(cmd, "xopen") && a) {
        current = open(a, O_RDWR | O_CREAT | O_EXCL, 0644);
        if (current < 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "cycle") && a && b) {
        char page[512];
        memset(page, 'j', sizeof page);
        for (long i = 0, n = atol(b); i < n; i++) {
            int fd = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) { answer_errno(); return; }
            if (write(fd, page, sizeof page) != (ssize_t)sizeof page || fsync(fd) != 0) { answer_errno(); close(fd); return; }
            if (close(fd) != 0 || unlink(a) != 0) { answer_errno(); return; }
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "fsettime") && a) {
        long long ns = atoll(a);
        struct timespec ts[2] = { { ns / 1000000000LL, ns % 1000000000LL }, { ns / 1000000000LL, ns % 1000000000LL } };
        if (futimens(current, ts) != 0) answer_errno(); else printf("ok\n");
    } else if (!strcmp(cmd, "give") && a) {
        char *argv[] = { a, NULL };
        const int32_t fdmap[] = { 0, 0, 1, current, 2, 2 };
        int pid = 0, status = 0, waited = 0;
        int err = keel_spawn(a, argv, NULL, fdmap, 3, &pid);
        if (!err) err = keel_wait(pid, &status, &waited);
        if (err) printf("err %d\n", err); else printf("exited %d\n", status);
    } else if (!strcmp(cmd, "dsync") && a && b) {
        for (long i = 0, n = atol(b); i < n; i++) {
            int fd = open(a, O_RDONLY | O_DIRECTORY);
            if (fd < 0) { answer_errno(); return; }
            if (fsync(fd) != 0) { answer_errno(); close(fd); return; }
            if (close(fd) != 0) { answer_errno(); return; }
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "quit")) {
        exit(0);
    } else {
        printf("bad command\n");
    }
}

int main(void) {
    char line[4096];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        run(line);
        fflush(stdout);
    }
    return 0;
}
