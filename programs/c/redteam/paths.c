/*
 * paths.c - escape through every path-taking WASI call.
 *
 * Invoke:  paths SANDBOX_FD OTHER_FD HOST_ROOT
 * SANDBOX_FD and OTHER_FD are two preopened directories, sandbox/ and other/ of the host tree
 * described in redteam.h; HOST_ROOT is that tree's absolute path on the host (so absolute host
 * paths can be tried too). First makes its own symlinks (relative climbing, absolute, to `..`,
 * chains, a loop), then throws every hostile path at path_open (read, with and without following),
 * path_filestat_get, path_readlink, and every call that changes something outside
 * (path_open CREAT/TRUNC, path_create_directory, path_filestat_set_times, path_link in both
 * positions, path_rename in both positions and across the two preopens, path_symlink,
 * path_unlink_file, path_remove_directory). Ends with the fds a program can guess.
 */
#include "redteam.h"

static __wasi_fd_t sandbox, other;
static const char *host;

static const char *hostile_reads[] = {
    "../secret.txt", "d/../../secret.txt", "../../../../../../../../secret.txt", "./../secret.txt",
    "d/./../../secret.txt", "d//..//..//secret.txt", "/secret.txt", "/etc/passwd", "planted",
    "planted-abs", "planted-dir/file.txt", "planted-up/secret.txt", "../sibling/file.txt",
    "../sandboxed/secret.txt", "g-rel", "g-abs", "g-host", "g-up/secret.txt", "g-updir/secret.txt",
    "g-hop1", "g-loop", "d/g-deep", "g-dirchain/secret.txt", "g-up/sibling/file.txt",
    "g-up/outside-d/inner.txt", "planted-up/sandboxed/secret.txt", NULL,
};

/* Names that, made or changed, would be outside the sandbox. */
static const char *hostile_writes[] = {
    "../PWNED", "d/../../PWNED", "/PWNED", "planted-dir/PWNED", "planted-up/PWNED", "g-up/PWNED",
    "g-updir/PWNED", "../sibling/PWNED", "../sandboxed/PWNED", "g-dirchain/PWNED", NULL,
};

/* Existing things outside, to change or remove. */
static const char *hostile_victims[] = {
    "../victim.txt", "planted-up/victim.txt", "g-up/victim.txt", "planted-dir/file.txt", NULL,
};

static char host_path[4][1024];
static int host_paths;

static const char *at_host(const char *name) {
    char *p = host_path[host_paths++ % 4];
    snprintf(p, 1024, "%s/%s", host, name);
    return p;
}

static void symlinks_of_my_own(void) {
    static const char *links[][2] = {
        {"../secret.txt", "g-rel"}, {"/secret.txt", "g-abs"}, {"..", "g-up"}, {"d/../..", "g-updir"},
        {"g-hop2", "g-hop1"}, {"../secret.txt", "g-hop2"}, {"g-loop", "g-loop"}, {"../../secret.txt", "d/g-deep"},
        {"g-up", "g-dirchain"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char what[128];
        snprintf(what, sizeof what, "make symlink %s -> %s", links[i][1], links[i][0]);
        rt_report(what, __wasi_path_symlink(links[i][0], sandbox, links[i][1]), 0);
    }
    char what[128];
    snprintf(what, sizeof what, "make symlink g-host -> HOST/secret.txt");
    rt_report(what, __wasi_path_symlink(at_host("secret.txt"), sandbox, "g-host"), 0);
}

static void reads(const char *path) {
    char what[512];
    for (int follow = 0; follow <= 1; follow++) {
        snprintf(what, sizeof what, "read %s%s", path, follow ? " (follow)" : "");
        rt_try_read(what, sandbox, follow ? FOLLOW : 0, path, NULL);
        snprintf(what, sizeof what, "stat %s%s", path, follow ? " (follow)" : "");
        __wasi_filestat_t st;
        __wasi_errno_t e = __wasi_path_filestat_get(sandbox, follow ? FOLLOW : 0, path, &st);
        /* Without following, the sandbox's own symlinks (in it or in d/) may be looked at: that is inside. */
        int in_sandbox_or_d = strchr(path, '/') == NULL || (strncmp(path, "d/", 2) == 0 && strchr(path + 2, '/') == NULL);
        int own_link = !follow && e == 0 && st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK && in_sandbox_or_d;
        if (e == 0 && !own_link) printf("%s: found a file of %llu bytes\n", what, (unsigned long long)st.size);
        rt_report(what, e, e == 0 && !own_link);
    }
}

static void readlinks(const char *path) {
    char what[512], target[512];
    __wasi_size_t n = 0;
    snprintf(what, sizeof what, "readlink %s", path);
    __wasi_errno_t e = __wasi_path_readlink(sandbox, path, (uint8_t *)target, sizeof target, &n);
    if (e == 0) {
        printf("%s: ESCAPED target \"", what);
        rt_print_bytes(target, n);
        printf("\"\n");
        rt_escapes++;
        rt_attempts++;
    } else {
        rt_report(what, e, 0);
    }
}

/* Every way to make PATH: does anything appear outside? Judged by the call's success. */
static void writes(const char *path) {
    char what[512];
    __wasi_fd_t fd;
    __wasi_errno_t e;
    snprintf(what, sizeof what, "create %s", path);
    e = __wasi_path_open(sandbox, 0, path, __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "mkdir %s", path);
    e = __wasi_path_create_directory(sandbox, path);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "symlink %s", path);
    e = __wasi_path_symlink("x", sandbox, path);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "hard link d/inner.txt to %s", path);
    e = __wasi_path_link(sandbox, 0, "d/inner.txt", sandbox, path);
    rt_report(what, e, e == 0);
    (void)rt_write_file(sandbox, "mine", "mine\n");
    snprintf(what, sizeof what, "rename mine to %s", path);
    e = __wasi_path_rename(sandbox, "mine", sandbox, path);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "rename mine across preopens to %s", path);
    e = __wasi_path_rename(sandbox, "mine", other, path);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "hard link across preopens to %s", path);
    e = __wasi_path_link(sandbox, 0, "mine", other, path);
    rt_report(what, e, e == 0);
}

/* Change or remove something that exists outside. */
static void victims(const char *path) {
    char what[512];
    __wasi_fd_t fd;
    __wasi_errno_t e;
    snprintf(what, sizeof what, "truncate %s", path);
    e = __wasi_path_open(sandbox, FOLLOW, path, __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "touch %s", path);
    e = __wasi_path_filestat_set_times(sandbox, FOLLOW, path, 0, 0, __WASI_FSTFLAGS_MTIM_NOW | __WASI_FSTFLAGS_ATIM_NOW);
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "rename %s into the sandbox", path);
    e = __wasi_path_rename(sandbox, path, sandbox, "stolen");
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "rename %s into the other preopen", path);
    e = __wasi_path_rename(sandbox, path, other, "stolen");
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "hard link %s into the sandbox", path);
    e = __wasi_path_link(sandbox, FOLLOW, path, sandbox, "stolen-link");
    rt_report(what, e, e == 0);
    snprintf(what, sizeof what, "unlink %s", path);
    e = __wasi_path_unlink_file(sandbox, path);
    rt_report(what, e, e == 0);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: paths SANDBOX_FD OTHER_FD HOST_ROOT\n", stderr);
        return 2;
    }
    sandbox = (__wasi_fd_t)atoi(argv[1]);
    other = (__wasi_fd_t)atoi(argv[2]);
    host = argv[3];

    symlinks_of_my_own();
    for (const char **p = hostile_reads; *p; p++) reads(*p);
    reads(at_host("secret.txt"));
    reads(at_host("sandbox/planted"));
    for (const char *const *p = (const char *const[]){"../secret-link", "planted-up/secret-link", "g-up/secret-link", "/secret-link", "d/../../secret-link", NULL}; *p; p++) readlinks(*p);
    readlinks(at_host("secret-link"));
    for (const char **p = hostile_writes; *p; p++) writes(*p);
    writes(at_host("PWNED"));
    for (const char **p = hostile_victims; *p; p++) victims(*p);
    victims(at_host("victim.txt"));
    {
        __wasi_errno_t e = __wasi_path_remove_directory(sandbox, "../empty-dir");
        rt_report("rmdir ../empty-dir", e, e == 0);
        e = __wasi_path_remove_directory(sandbox, "g-up/empty-dir");
        rt_report("rmdir g-up/empty-dir", e, e == 0);
        e = __wasi_path_remove_directory(sandbox, "planted-up/empty-dir");
        rt_report("rmdir planted-up/empty-dir", e, e == 0);
    }

    /* The sandbox's own root, reopened, and `..` as a directory. */
    __wasi_fd_t root, up;
    __wasi_errno_t e = __wasi_path_open(sandbox, 0, ".", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &root);
    rt_report("reopen the sandbox root", e, 0);
    if (e == 0) {
        rt_try_read("read ../secret.txt from the reopened root", root, 0, "../secret.txt", NULL);
        e = __wasi_path_open(root, 0, "..", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &up);
        if (e == 0) {
            rt_report("open .. as a directory", 0, 1);
            (void)rt_list_has("list ..", up, "secret.txt");
            (void)__wasi_fd_close(up);
        } else {
            rt_report("open .. as a directory", e, 0);
        }
        (void)__wasi_fd_close(root);
    }
    e = __wasi_path_open(sandbox, FOLLOW, "g-up", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &up);
    if (e == 0) {
        rt_report("open the symlink to .. as a directory", 0, 1);
        (void)rt_list_has("list it", up, "secret.txt");
        (void)__wasi_fd_close(up);
    } else {
        rt_report("open the symlink to .. as a directory", e, 0);
    }
    e = __wasi_path_open(sandbox, FOLLOW, "planted-up", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &up);
    if (e == 0) {
        rt_report("open the planted symlink to .. as a directory", 0, 1);
        (void)rt_list_has("list it", up, "secret.txt");
        (void)__wasi_fd_close(up);
    } else {
        rt_report("open the planted symlink to .. as a directory", e, 0);
    }

    /* The directory moved out whole, through either preopen. */
    e = __wasi_path_rename(sandbox, "d", sandbox, "../d-out");
    rt_report("rename d out of the sandbox", e, e == 0);
    e = __wasi_path_rename(sandbox, "d", other, "../d-out");
    rt_report("rename d out through the other preopen", e, e == 0);
    e = __wasi_path_rename(other, "..", sandbox, "other-parent");
    rt_report("rename the other preopen's parent in", e, e == 0);

    /* Guessed fds: only 0-2 and the two preopens exist; the console is not a directory. */
    int strangers = 0;
    for (__wasi_fd_t fd = 0; fd < 1024; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) == 0 && fd > 2 && fd != sandbox && fd != other) strangers++;
    }
    printf("guessed fds: %d beyond 0-2 and the preopens\n", strangers);
    rt_report("guess fds", 0, strangers != 0);
    for (__wasi_fd_t fd = 0; fd <= 2; fd++) {
        char what[64];
        snprintf(what, sizeof what, "use fd %d as a directory", (int)fd);
        rt_try_read(what, fd, 0, "secret.txt", NULL);
    }
    return rt_done();
}
