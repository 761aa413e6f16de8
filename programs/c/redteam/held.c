/*
 * held.c - escape through a directory the program holds open while an ancestor of it is replaced
 * by a symlink to the outside: through a second mount of the same host tree, or by the host.
 *
 * Invoke:  held mounts HOLD_FD HOLD_PATH SWAP_FD SWAP_PATH TARGET MOVED_PATH
 *            Open HOLD_PATH (a directory, ending in up/sibling) under HOLD_FD and keep it; then,
 *            through SWAP_FD — a preopen of the same host tree, equal or nested — rename
 *            SWAP_PATH (the held directory's ancestor `up`) to SWAP_PATH-moved and make a
 *            symlink SWAP_PATH -> TARGET, which leads to the tree's root: the held directory's
 *            old path now names ../sibling, outside. MOVED_PATH (under SWAP_FD) is where the held
 *            directory really is now.
 *          held planted HOLD_FD HOLD_PATH MOVED_PATH
 *            Open HOLD_PATH and keep it; print "READY" and wait for a line on stdin, during which
 *            the host renames `up` to up-moved and plants up -> .. in its place.
 * Then, through the held fd, read, readlink, stat, touch, truncate, link, rename, rmdir and
 * unlink the names ../sibling has (file.txt, secret-link, victim.txt, empty-dir) and the held
 * directory has not, and make new ones, each of which must land in MOVED_PATH. The same through
 * a fresh path HOLD_PATH/NAME.
 */
#include "redteam.h"

static __wasi_fd_t held, moved_fd;
static const char *moved;

/* Did NAME, just made through the held fd, land inside (in the moved directory)? */
static int landed_outside(const char *name) {
    char inside[768];
    snprintf(inside, sizeof inside, "%s/%s", moved, name);
    return !rt_exists(moved_fd, inside);
}

static void through(__wasi_fd_t dir, const char *prefix) {
    char what[256], path[512], other[512];
    __wasi_errno_t e;
    __wasi_fd_t fd;
#define P(name) (snprintf(path, sizeof path, "%s%s", prefix, name), path)
#define W(fmt) (snprintf(what, sizeof what, fmt, prefix), what)
    rt_try_read(W("read %sfile.txt"), dir, 0, P("file.txt"), NULL);
    rt_try_read(W("read %sinner.txt"), dir, 0, P("inner.txt"), "inside\n");
    rt_try_read(W("read %s../secret.txt"), dir, 0, P("../secret.txt"), NULL);
    {
        char target[256];
        __wasi_size_t n = 0;
        e = __wasi_path_readlink(dir, P("secret-link"), (uint8_t *)target, sizeof target, &n);
        if (e == 0) {
            printf("%s: ESCAPED target \"", W("readlink %ssecret-link"));
            rt_print_bytes(target, n);
            printf("\"\n");
            rt_escapes++;
        } else {
            rt_report(W("readlink %ssecret-link"), e, 0);
        }
    }
    __wasi_filestat_t st;
    e = __wasi_path_filestat_get(dir, 0, P("victim.txt"), &st);
    rt_report(W("stat %svictim.txt"), e, e == 0);
    e = __wasi_path_filestat_set_times(dir, 0, P("victim.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    rt_report(W("touch %svictim.txt"), e, e == 0);
    e = __wasi_path_open(dir, 0, P("victim.txt"), __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    rt_report(W("truncate %svictim.txt"), e, e == 0);
    snprintf(other, sizeof other, "%s/stolen-link", moved);
    e = __wasi_path_link(dir, 0, P("file.txt"), moved_fd, other);
    rt_report(W("hard link %sfile.txt into the sandbox"), e, e == 0);
    snprintf(other, sizeof other, "%s/stolen", moved);
    e = __wasi_path_rename(dir, P("victim.txt"), moved_fd, other);
    rt_report(W("rename %svictim.txt into the sandbox"), e, e == 0);
    e = __wasi_path_remove_directory(dir, P("empty-dir"));
    rt_report(W("rmdir %sempty-dir"), e, e == 0);
    e = __wasi_path_unlink_file(dir, P("file.txt"));
    rt_report(W("unlink %sfile.txt"), e, e == 0);

    /* New names: harmless if they land in the moved directory, an escape anywhere else. */
    static int round;
    char name[64];
    round++;
    snprintf(name, sizeof name, "made-file-%d", round);
    e = rt_write_file(dir, P(name), "made\n");
    rt_report(W("create %sa file"), e, e == 0 && landed_outside(name));
    snprintf(name, sizeof name, "made-dir-%d", round);
    e = __wasi_path_create_directory(dir, P(name));
    rt_report(W("mkdir %sa directory"), e, e == 0 && landed_outside(name));
    snprintf(name, sizeof name, "made-link-%d", round);
    e = __wasi_path_symlink("x", dir, P(name));
    rt_report(W("symlink %sa link"), e, e == 0 && landed_outside(name));
#undef P
#undef W
}

int main(int argc, char **argv) {
    __wasi_fd_t hold_fd;
    const char *hold_path;
    int mounts = argc == 8 && strcmp(argv[1], "mounts") == 0;
    if (mounts) {
        hold_fd = (__wasi_fd_t)atoi(argv[2]);
        hold_path = argv[3];
        moved_fd = (__wasi_fd_t)atoi(argv[4]);
        moved = argv[7];
    } else if (argc == 5 && strcmp(argv[1], "planted") == 0) {
        hold_fd = moved_fd = (__wasi_fd_t)atoi(argv[2]);
        hold_path = argv[3];
        moved = argv[4];
    } else {
        fputs("usage: held mounts HOLD_FD HOLD_PATH SWAP_FD SWAP_PATH TARGET MOVED_PATH | held planted HOLD_FD HOLD_PATH MOVED_PATH\n", stderr);
        return 2;
    }
    __wasi_errno_t e = __wasi_path_open(hold_fd, 0, hold_path, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &held);
    if (e != 0) {
        printf("open %s: %s\n", hold_path, rt_errno(e));
        return 2;
    }
    if (mounts) {
        char moved_ancestor[512];
        snprintf(moved_ancestor, sizeof moved_ancestor, "%s-moved", argv[5]);
        e = __wasi_path_rename(moved_fd, argv[5], moved_fd, moved_ancestor);
        printf("rename %s to %s through the other mount: %s\n", argv[5], moved_ancestor, rt_errno(e));
        e = __wasi_path_symlink(argv[6], moved_fd, argv[5]);
        printf("symlink %s -> %s through the other mount: %s\n", argv[5], argv[6], rt_errno(e));
    } else {
        printf("READY\n");
        fflush(stdout);
        char line[64];
        if (!fgets(line, sizeof line, stdin)) {
            printf("no go-ahead on stdin\n");
            return 2;
        }
    }
    if (rt_list_has("list the held directory", held, "file.txt")) rt_report("list the held directory", 0, 1);
    through(held, "");
    char fresh[512];
    snprintf(fresh, sizeof fresh, "%s/", hold_path);
    through(hold_fd, fresh);
    return rt_done();
}
