/*
 * race.c - use a path while a host process swaps one of its directories for a symlink to the
 * outside and back, as fast as it can (test/redteam/swapper.ts).
 *
 * Invoke:  race SANDBOX_FD ITERATIONS MILLIS [guest]
 *          race swap SANDBOX_FD MILLIS          (the guest's own swapper, started by `guest`)
 * sandbox/up/sibling holds inner.txt ("inside\n"); the swapper renames `up` away, puts a symlink
 * up -> .. in its place (so up/sibling names ../sibling, whose inner.txt holds the secret), and
 * back. With `guest` no host process helps: this program starts its own copy
 * (sandbox/self.wasm) as a child that does the same swap through WASI calls. For at most
 * ITERATIONS rounds and MILLIS milliseconds, each round opens, stats, reads, creates, links,
 * renames and touches through up/sibling/, through a directory fd opened as up/sibling that
 * round, and through one opened before the race began and held throughout.
 * Whatever reads other than "inside\n" is printed and counts as an escape; what is made or
 * changed outside is for the driver's snapshot of the outside to find (nothing here can see it).
 * Prints the counts and DONE.
 */
#include "redteam.h"
#include "keel.h"

static __wasi_fd_t sandbox, held = (__wasi_fd_t)-1;
static int refused, read_inside;

static __wasi_timestamp_t now_ms(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t / 1000000;
}

/* Read PATH under DIR; an escape if it opens and holds anything but "inside\n". */
static void check_read(__wasi_fd_t dir, const char *path, const char *what) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, 0, path, 0, FILE_RIGHTS, 0, 0, &fd);
    if (e != 0) {
        refused++;
        return;
    }
    char buf[256];
    size_t n = rt_read_all(fd, buf, sizeof buf);
    (void)__wasi_fd_close(fd);
    if (n == 7 && memcmp(buf, "inside\n", 7) == 0) {
        read_inside++;
        return;
    }
    printf("%s: ESCAPED read \"", what);
    rt_print_bytes(buf, n);
    printf("\"\n");
    rt_escapes++;
}

static void round_of(int i) {
    __wasi_errno_t e;
    __wasi_fd_t fd, dir;
    __wasi_filestat_t st;
    rt_attempts++;
    check_read(sandbox, "up/sibling/inner.txt", "read up/sibling/inner.txt");
    e = __wasi_path_filestat_get(sandbox, 0, "up/sibling/inner.txt", &st);
    if (e == 0 && st.size != 7) {
        printf("stat up/sibling/inner.txt: ESCAPED: %llu bytes\n", (unsigned long long)st.size);
        rt_escapes++;
    }
    /* Through a directory fd opened as up/sibling: whatever it names, it must be inside. */
    if (__wasi_path_open(sandbox, 0, "up/sibling", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &dir) == 0) {
        check_read(dir, "inner.txt", "read inner.txt through an fd opened as up/sibling");
        if (__wasi_path_open(dir, 0, "made-through-fd", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd) == 0) (void)__wasi_fd_close(fd);
        (void)__wasi_fd_close(dir);
    }
    /* Through the fd held since before the race: it must go on naming the directory inside. */
    if (held != (__wasi_fd_t)-1) {
        check_read(held, "inner.txt", "read inner.txt through the fd held since the start");
        if (__wasi_path_open(held, 0, "made-through-held", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd) == 0) (void)__wasi_fd_close(fd);
        (void)__wasi_path_filestat_set_times(held, 0, "inner.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    }
    /* Make things through up/sibling/: if up was the symlink, they land outside (the snapshot sees it). */
    if (__wasi_path_open(sandbox, 0, "up/sibling/made-by-guest", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd) == 0) (void)__wasi_fd_close(fd);
    (void)__wasi_path_create_directory(sandbox, "up/sibling/dir-by-guest");
    (void)__wasi_path_symlink("x", sandbox, "up/sibling/link-by-guest");
    (void)__wasi_path_filestat_set_times(sandbox, 0, "up/sibling/inner.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    /* A hard link made inside from up/sibling/inner.txt: outside's would bring the secret in. */
    (void)__wasi_path_unlink_file(sandbox, "linked");
    if (__wasi_path_link(sandbox, 0, "up/sibling/inner.txt", sandbox, "linked") == 0) check_read(sandbox, "linked", "read a hard link made from up/sibling/inner.txt");
    /* Renames through up/sibling/ and back. */
    if (__wasi_path_rename(sandbox, "up/sibling/inner.txt", sandbox, "up/sibling/inner-renamed.txt") == 0) (void)__wasi_path_rename(sandbox, "up/sibling/inner-renamed.txt", sandbox, "up/sibling/inner.txt");
    if (__wasi_path_rename(sandbox, "up/sibling/inner.txt", sandbox, "pulled.txt") == 0) {
        check_read(sandbox, "pulled.txt", "read a file renamed in from up/sibling/");
        (void)__wasi_path_rename(sandbox, "pulled.txt", sandbox, "up/sibling/inner.txt");
    }
    (void)i;
}

/* The guest's own swapper: up <-> a symlink up -> .., until MILLIS have passed. */
static int swap(__wasi_fd_t dir, int millis) {
    __wasi_timestamp_t deadline = now_ms() + (__wasi_timestamp_t)millis;
    int swaps = 0;
    while (now_ms() < deadline) {
        if (__wasi_path_rename(dir, "up", dir, "up.away") != 0) continue;
        if (__wasi_path_symlink("..", dir, "up") == 0) (void)__wasi_path_unlink_file(dir, "up");
        (void)__wasi_path_rename(dir, "up.away", dir, "up");
        swaps++;
    }
    printf("guest swaps %d\n", swaps);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "swap") == 0) return swap((__wasi_fd_t)atoi(argv[2]), atoi(argv[3]));
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "guest") == 0)) {
        fputs("usage: race SANDBOX_FD ITERATIONS MILLIS [guest] | race swap SANDBOX_FD MILLIS\n", stderr);
        return 2;
    }
    sandbox = (__wasi_fd_t)atoi(argv[1]);
    int iterations = atoi(argv[2]);
    int millis = atoi(argv[3]);
    int32_t swapper = 0;
    if (argc == 5) {
        char *swap_argv[] = {(char *)"race", (char *)"swap", argv[1], argv[3], NULL};
        fflush(stdout);
        int e = __keel_spawn(sandbox, "self.wasm", 9, swap_argv, 4, NULL, 0, NULL, 0, &swapper);
        printf("start the guest's swapper: %s\n", e ? rt_errno((__wasi_errno_t)e) : "ok");
        if (e) return 2;
    }
    __wasi_timestamp_t deadline = now_ms() + (__wasi_timestamp_t)millis;
    /* The held fd: opened as soon as up/sibling is there (the swap has begun already). */
    while (held == (__wasi_fd_t)-1 && now_ms() < deadline)
        if (__wasi_path_open(sandbox, 0, "up/sibling", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &held) != 0) held = (__wasi_fd_t)-1;
    printf("hold up/sibling: %s\n", held == (__wasi_fd_t)-1 ? "never opened" : "ok");
    int i = 0;
    for (; i < iterations && now_ms() < deadline; i++) round_of(i);
    fflush(stdout);
    if (swapper) {
        int32_t status = 0, waited = 0;
        (void)__keel_wait(swapper, &status, &waited);
    }
    printf("rounds %d, reads inside %d, refused %d\n", i, read_inside, refused);
    return rt_done();
}
