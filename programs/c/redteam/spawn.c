/*
 * spawn.c - escape through the keel ABI: start a program that lies outside the sandbox, and check
 * that a child started legitimately can reach no more than its parent.
 *
 * Invoke:  spawn SANDBOX_FD HOST_ROOT          (the attack)
 *          spawn child SANDBOX_FD              (what the attack starts as its child)
 * The host tree is redteam.h's; the driver also copies this program into the sandbox as
 * self.wasm. keel.spawn resolves its path like path_open, relative to a directory fd: every
 * hostile path to ../canary.wasm (which prints ESCAPED if it runs) must be refused. Then self.wasm
 * is started as a child, with the default fds and with a map that tries to hand it more; the
 * child repeats the reads of the sandbox's outside and reports its fds.
 */
#include "redteam.h"
#include "keel.h"

static void try_spawn(const char *what, int32_t dir, const char *path) {
    char *argv[] = {(char *)"canary", NULL};
    int32_t pid = 0;
    int e = __keel_spawn(dir, path, strlen(path), argv, 1, NULL, 0, NULL, 0, &pid);
    if (e == 0) {
        int32_t status = 0, waited = 0;
        fflush(stdout);
        (void)__keel_wait(pid, &status, &waited);
    }
    rt_report(what, (__wasi_errno_t)e, e == 0);
}

static int child(__wasi_fd_t sandbox) {
    rt_try_read("child: read ../secret.txt", sandbox, 0, "../secret.txt", NULL);
    rt_try_read("child: read planted", sandbox, FOLLOW, "planted", NULL);
    rt_try_read("child: read d/inner.txt (inside)", sandbox, 0, "d/inner.txt", "inside\n");
    int fds = 0;
    for (__wasi_fd_t fd = 0; fd < 256; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) == 0) fds++;
    }
    printf("child: %d fds open\n", fds);
    return rt_done();
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "child") == 0) return child((__wasi_fd_t)atoi(argv[2]));
    if (argc != 3) {
        fputs("usage: spawn SANDBOX_FD HOST_ROOT\n", stderr);
        return 2;
    }
    int32_t sandbox = atoi(argv[1]);
    const char *host = argv[2];
    char abs[1024];

    rt_report("make symlink g-canary -> ../canary.wasm", __wasi_path_symlink("../canary.wasm", (__wasi_fd_t)sandbox, "g-canary"), 0);
    rt_report("make symlink g-up -> ..", __wasi_path_symlink("..", (__wasi_fd_t)sandbox, "g-up"), 0);
    static const char *paths[] = {
        "../canary.wasm", "d/../../canary.wasm", "../../../../../../canary.wasm", "/canary.wasm",
        "planted-canary", "planted-up/canary.wasm", "planted-dir/../canary.wasm", "g-canary", "g-up/canary.wasm",
        "../sibling/canary.wasm", NULL,
    };
    for (const char **p = paths; *p; p++) {
        char what[256];
        snprintf(what, sizeof what, "spawn %s", *p);
        try_spawn(what, sandbox, *p);
    }
    snprintf(abs, sizeof abs, "%s/canary.wasm", host);
    try_spawn("spawn HOST/canary.wasm", sandbox, abs);
    try_spawn("spawn canary.wasm relative to the console (fd 0)", 0, "canary.wasm");
    try_spawn("spawn canary.wasm relative to fd 99", 99, "canary.wasm");

    /* A legitimate child: itself, from inside. It gets the preopen and stdio, nothing more. */
    char fd_arg[16];
    snprintf(fd_arg, sizeof fd_arg, "%d", (int)sandbox);
    char *child_argv[] = {(char *)"self.wasm", (char *)"child", fd_arg, NULL};
    int32_t pid = 0, status = -1, waited = 0;
    fflush(stdout);
    int e = __keel_spawn(sandbox, "self.wasm", strlen("self.wasm"), child_argv, 3, NULL, 0, NULL, 0, &pid);
    if (e == 0) e = __keel_wait(pid, &status, &waited);
    printf("child exited %d\n", (int)status);
    rt_report("start self.wasm as a child", (__wasi_errno_t)e, status != 0 && e == 0);
    /* A map naming fds the parent does not have is refused. */
    int32_t map[] = {5, 77};
    e = __keel_spawn(sandbox, "self.wasm", strlen("self.wasm"), child_argv, 3, NULL, 0, map, 1, &pid);
    if (e == 0) (void)__keel_wait(pid, &status, &waited);
    rt_report("hand a child an fd the parent lacks", (__wasi_errno_t)e, e == 0);
    return rt_done();
}
