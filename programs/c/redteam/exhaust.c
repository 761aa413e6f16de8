/*
 * exhaust.c - use up a resource of the system, and hold it, so the driver can check the system
 * still serves another program meanwhile and afterwards. Nothing here asserts a limit: each mode
 * reports how far it got.
 *
 *   exhaust files DIR_FD COUNT      open DIR/f0 .. f(COUNT-1) (host files the driver made) and
 *                                   keep them open; "opened N: ERR"
 *   exhaust flood DIR_FD MIB        write 1 MiB files into DIR until a write fails or MIB are
 *                                   written; "wrote N MiB: ERR"
 *   exhaust deep DIR_FD LEVELS      make n/n/n/... LEVELS deep, one level at a time through the
 *                                   fd of the level above; "depth N: ERR"; then stat the deepest
 *                                   path that fits in one path
 *   exhaust forkbomb DIR_FD SELF DEPTH WIDTH
 *                                   start WIDTH copies of SELF (a path under DIR) that each do the
 *                                   same one level less deep, without waiting until all are
 *                                   started; "refused N" (spawns the system said no to)
 * The holding modes (files, flood) then print READY and wait for a line on stdin before they let
 * go. Every mode ends with DONE.
 */
#include "redteam.h"
#include "keel.h"

static void wait_for_go(void) {
    printf("READY\n");
    fflush(stdout);
    char line[64];
    (void)fgets(line, sizeof line, stdin);
}

static int files(__wasi_fd_t dir, int count) {
    static __wasi_fd_t held[8192];
    int n = 0;
    __wasi_errno_t e = 0;
    for (; n < count && n < 8192; n++) {
        char name[32];
        snprintf(name, sizeof name, "f%d", n);
        e = __wasi_path_open(dir, 0, name, 0, __WASI_RIGHTS_FD_READ, 0, 0, &held[n]);
        if (e != 0) break;
    }
    printf("opened %d: %s\n", n, e ? rt_errno(e) : "no error");
    wait_for_go();
    for (int i = 0; i < n; i++) (void)__wasi_fd_close(held[i]);
    return 0;
}

static int flood(__wasi_fd_t dir, int mib) {
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    int n = 0;
    __wasi_errno_t e = 0;
    for (; n < mib; n++) {
        char name[32];
        snprintf(name, sizeof name, "flood-%d", n);
        __wasi_fd_t fd;
        e = __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
        if (e != 0) break;
        size_t done = 0;
        while (done < sizeof block && e == 0) {
            __wasi_ciovec_t iov = {(const uint8_t *)block + done, sizeof block - done};
            __wasi_size_t w = 0;
            e = __wasi_fd_write(fd, &iov, 1, &w);
            if (e == 0 && w == 0) e = __WASI_ERRNO_NOSPC;
            done += w;
        }
        (void)__wasi_fd_close(fd);
        if (e != 0) break;
    }
    printf("wrote %d MiB: %s\n", n, e ? rt_errno(e) : "no error");
    wait_for_go();
    return 0;
}

static int deep(__wasi_fd_t dir, int levels) {
    __wasi_fd_t here = dir;
    int depth = 0;
    __wasi_errno_t e = 0;
    for (; depth < levels; depth++) {
        e = __wasi_path_create_directory(here, "n");
        if (e != 0) break;
        __wasi_fd_t next;
        e = __wasi_path_open(here, 0, "n", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &next);
        if (e != 0) break;
        if (here != dir) (void)__wasi_fd_close(here);
        here = next;
    }
    printf("depth %d: %s\n", depth, e ? rt_errno(e) : "no error");
    if (here != dir) (void)__wasi_fd_close(here);
    /* The deepest path that fits in one path: n/n/.../n of at most 4095 bytes. */
    static char path[4096];
    int parts = depth < 2047 ? depth : 2047;
    size_t len = 0;
    for (int i = 0; i < parts; i++) {
        if (i) path[len++] = '/';
        path[len++] = 'n';
    }
    path[len] = 0;
    __wasi_filestat_t st;
    e = parts ? __wasi_path_filestat_get(dir, 0, path, &st) : 0;
    printf("stat a path %d levels deep: %s\n", parts, e ? rt_errno(e) : "ok");
    return 0;
}

static int forkbomb(int32_t dir, const char *self, int depth, int width) {
    static int32_t pids[64];
    int started = 0, refused = 0;
    if (depth > 0) {
        char d_arg[16], w_arg[16], fd_arg[16];
        snprintf(fd_arg, sizeof fd_arg, "%d", (int)dir);
        snprintf(d_arg, sizeof d_arg, "%d", depth - 1);
        snprintf(w_arg, sizeof w_arg, "%d", width);
        char *argv[] = {(char *)"exhaust-child", (char *)"forkbomb", fd_arg, (char *)self, d_arg, w_arg, NULL};
        for (int i = 0; i < width && i < 64; i++) {
            int e = __keel_spawn(dir, self, strlen(self), argv, 6, NULL, 0, NULL, 0, &pids[started]);
            if (e == 0) started++;
            else refused++;
        }
        for (int i = 0; i < started; i++) {
            int32_t status = 0, waited = 0;
            (void)__keel_wait(pids[i], &status, &waited);
            refused += status;
        }
    }
    return refused > 255 ? 255 : refused;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "files") == 0) files((__wasi_fd_t)atoi(argv[2]), atoi(argv[3]));
    else if (argc == 4 && strcmp(argv[1], "flood") == 0) flood((__wasi_fd_t)atoi(argv[2]), atoi(argv[3]));
    else if (argc == 4 && strcmp(argv[1], "deep") == 0) deep((__wasi_fd_t)atoi(argv[2]), atoi(argv[3]));
    else if (argc == 6 && strcmp(argv[1], "forkbomb") == 0) {
        int refused = forkbomb(atoi(argv[2]), argv[3], atoi(argv[4]), atoi(argv[5]));
        /* Only the first process reports; the others pass their counts up as exit codes. */
        if (strcmp(argv[0], "exhaust-child") == 0) return refused;
        printf("refused %d\n", refused);
    } else {
        fputs("usage: exhaust files|flood|deep DIR_FD N | exhaust forkbomb DIR_FD SELF DEPTH WIDTH\n", stderr);
        return 2;
    }
    printf("DONE\n");
    return 0;
}
