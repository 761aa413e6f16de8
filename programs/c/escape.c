/*
 * escape.c - a hostile program: try every way out of the directories it was given.
 *
 * Invoke:  escape SANDBOX_FD OTHER_FD
 * SANDBOX_FD and OTHER_FD are two preopened directories (fd numbers). Next to them, outside both,
 * the caller keeps a file "secret.txt" holding "SECRET" in the directory that contains the sandbox
 * (so "../secret.txt" from the sandbox names it on the host), and the caller may plant a host
 * symlink "sandbox/planted" pointing at it. Every attempt uses the raw WASI calls, so the exact path
 * reaches the runtime (wasi-libc would resolve absolute paths itself).
 * Prints one line per attempt: "NAME: refused (ERRNO)" when the call failed, "NAME: harmless" when
 * it succeeded without reaching anything outside (e.g. a symlink that can be made but not followed
 * out), or "NAME: ESCAPED" when it read the secret or made something outside. Exits 0 if nothing
 * escaped, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static __wasi_fd_t sandbox, other;
static int escaped;

#define RIGHTS_ALL ((__wasi_rights_t)0x1fffffff)

/* Open PATH under DIR for reading; returns the errno and, on success, whether it holds the secret. */
static __wasi_errno_t open_and_check(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path, int *secret) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, lookup, path, 0, RIGHTS_ALL, RIGHTS_ALL, 0, &fd);
    *secret = 0;
    if (e != 0) return e;
    char buf[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && strstr(buf, "SECRET")) *secret = 1;
    (void)__wasi_fd_close(fd);
    return 0;
}

static void report(const char *name, __wasi_errno_t e, int outside) {
    if (outside) {
        printf("%s: ESCAPED\n", name);
        escaped = 1;
    } else if (e) {
        printf("%s: refused (%s)\n", name, strerror(e));
    } else {
        printf("%s: harmless\n", name);
    }
}

static void try_read(const char *name, __wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path) {
    int secret;
    __wasi_errno_t e = open_and_check(dir, lookup, path, &secret);
    report(name, e, secret);
}

/* Does the secret's directory now hold NAME (something this program made outside)? */
static int made_outside(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "../%s", name);
    __wasi_filestat_t st;
    /* Asked through the sandbox itself: if ".." works at all, that is an escape on its own. */
    return __wasi_path_filestat_get(sandbox, 0, path, &st) == 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: escape SANDBOX_FD OTHER_FD\n", stderr);
        return 2;
    }
    sandbox = (__wasi_fd_t)atoi(argv[1]);
    other = (__wasi_fd_t)atoi(argv[2]);
    const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    __wasi_errno_t e;

    /* Dot-dot, every way. */
    try_read("dotdot", sandbox, 0, "../secret.txt");
    try_read("dotdot after a directory", sandbox, 0, "d/../../secret.txt");
    try_read("dotdot many", sandbox, 0, "d/../../../../../../../../secret.txt");
    try_read("absolute path", sandbox, 0, "/secret.txt");
    try_read("absolute host path", sandbox, 0, "/etc/passwd");
    {
        __wasi_fd_t root;
        const __wasi_rights_t DIR_RIGHTS = RIGHTS_ALL & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
        e = __wasi_path_open(sandbox, 0, ".", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, RIGHTS_ALL, 0, &root);
        if (e == 0) {
            try_read("dotdot from a reopened root", root, 0, "../secret.txt");
            __wasi_fd_t up;
            e = __wasi_path_open(root, 0, "..", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, RIGHTS_ALL, 0, &up);
            report("open .. as a directory", e, e == 0);
            if (e == 0) (void)__wasi_fd_close(up);
            (void)__wasi_fd_close(root);
        } else {
            report("reopen the root", e, 0);
        }
    }

    /* Symlinks made by the program: relative and absolute targets, chains, loops. */
    e = __wasi_path_symlink("../secret.txt", sandbox, "rel");
    if (e == 0) try_read("follow a relative symlink out", sandbox, FOLLOW, "rel");
    else report("make a relative symlink out", e, 0);
    e = __wasi_path_symlink("/secret.txt", sandbox, "abs");
    if (e == 0) try_read("follow an absolute symlink", sandbox, FOLLOW, "abs");
    else report("make an absolute symlink", e, 0);
    e = __wasi_path_symlink("d/../..", sandbox, "updir");
    if (e == 0) try_read("through a symlink to ..", sandbox, FOLLOW, "updir/secret.txt");
    else report("make a symlink to ..", e, 0);
    e = __wasi_path_symlink("hop2", sandbox, "hop1");
    if (e == 0) e = __wasi_path_symlink("../secret.txt", sandbox, "hop2");
    if (e == 0) try_read("follow a symlink chain out", sandbox, FOLLOW, "hop1");
    else report("make a symlink chain out", e, 0);
    e = __wasi_path_symlink("loop", sandbox, "loop");
    if (e == 0) try_read("follow a symlink loop", sandbox, FOLLOW, "loop");
    else report("make a symlink loop", e, 0);
    try_read("follow a symlink the host planted", sandbox, FOLLOW, "planted");
    try_read("open a planted symlink without following", sandbox, 0, "planted");

    /* Hard links and renames across the boundary. */
    e = __wasi_path_link(sandbox, 0, "../secret.txt", sandbox, "hard");
    report("hard link a file outside into the sandbox", e, e == 0);
    e = __wasi_path_link(sandbox, FOLLOW, "planted", sandbox, "hard2");
    if (e == 0) try_read("hard link through a planted symlink", sandbox, 0, "hard2");
    else report("hard link through a planted symlink", e, 0);
    e = __wasi_path_rename(sandbox, "../secret.txt", sandbox, "stolen");
    report("rename a file outside into the sandbox", e, e == 0);
    {
        __wasi_fd_t f;
        if (__wasi_path_open(sandbox, 0, "mine", __WASI_OFLAGS_CREAT, RIGHTS_ALL, RIGHTS_ALL, 0, &f) == 0) (void)__wasi_fd_close(f);
    }
    e = __wasi_path_rename(sandbox, "mine", sandbox, "../dropped");
    report("rename a file out of the sandbox", e, made_outside("dropped"));
    e = __wasi_path_rename(sandbox, "mine", other, "../dropped2");
    report("rename out through the other preopen", e, made_outside("dropped2"));
    e = __wasi_path_create_directory(sandbox, "../made");
    report("make a directory outside", e, made_outside("made"));

    /* Guessed fds: only 0-2 and the two preopens (and whatever this program opened) exist. */
    int strangers = 0;
    for (__wasi_fd_t fd = 0; fd < 1024; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) == 0 && fd > 2 && fd != sandbox && fd != other) strangers++;
    }
    printf("guessed fds: %d beyond 0-2 and the preopens\n", strangers);
    if (strangers) escaped = 1;
    __wasi_fd_t big = 0x7fffffff;
    char buf[8];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n;
    report("read a made-up fd", __wasi_fd_read(big, &iov, 1, &n), 0);
    return escaped;
}
