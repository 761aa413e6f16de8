/*
 * bad_names.c - pass names that are not valid UTF-8, and paths that are too long, to every call
 * that takes a path or a name, and print what each answers.
 *
 * Invoke:  bad_names DIR_FD
 * DIR_FD is an empty preopened directory. Prints one line per call: "CALL WHAT: ERRNO-NAME" ("ok"
 * for success). WHAT is "invalid" (bytes that are not UTF-8), "long" (a path of 70 KiB), or a
 * name for the boundary cases. Uses the raw WASI calls only, so the exact bytes reach the runtime
 * and any WASI runtime can run it; bad_spawn_names.c does the same for keel.spawn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* Rights a file can have under any runtime (node:wasi refuses rights a file cannot have). */
#define FILE_RIGHTS ((__wasi_rights_t)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE))
#define LONG_PATH (70 * 1024)

static __wasi_fd_t dir;

static const char *name_of(__wasi_errno_t e) {
    switch (e) {
        case 0: return "ok";
        case __WASI_ERRNO_2BIG: return "E2BIG";
        case __WASI_ERRNO_EXIST: return "EEXIST";
        case __WASI_ERRNO_ILSEQ: return "EILSEQ";
        case __WASI_ERRNO_INVAL: return "EINVAL";
        case __WASI_ERRNO_IO: return "EIO";
        case __WASI_ERRNO_NAMETOOLONG: return "ENAMETOOLONG";
        case __WASI_ERRNO_NOENT: return "ENOENT";
        case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
        case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
        default: {
            static char buf[16];
            snprintf(buf, sizeof buf, "errno %d", e);
            return buf;
        }
    }
}

static void say(const char *call, const char *what, __wasi_errno_t e) {
    printf("%s %s: %s\n", call, what, name_of(e));
}

static __wasi_errno_t create(const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS, 0, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    return e;
}

/* Every path-taking call with BAD in each path position; "file" and "sub" exist. */
static void every_call(const char *what, const char *bad) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    char buf[64];
    __wasi_size_t used;
    say("path_open", what, __wasi_path_open(dir, 0, bad, __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd));
    say("path_create_directory", what, __wasi_path_create_directory(dir, bad));
    say("path_filestat_get", what, __wasi_path_filestat_get(dir, 0, bad, &st));
    say("path_filestat_set_times", what, __wasi_path_filestat_set_times(dir, 0, bad, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    say("path_link(old)", what, __wasi_path_link(dir, 0, bad, dir, "linked"));
    say("path_link(new)", what, __wasi_path_link(dir, 0, "file", dir, bad));
    say("path_readlink", what, __wasi_path_readlink(dir, bad, (uint8_t *)buf, sizeof buf, &used));
    say("path_remove_directory", what, __wasi_path_remove_directory(dir, bad));
    say("path_rename(old)", what, __wasi_path_rename(dir, bad, dir, "renamed"));
    say("path_rename(new)", what, __wasi_path_rename(dir, "file", dir, bad));
    say("path_symlink(target)", what, __wasi_path_symlink(bad, dir, "symlinked"));
    say("path_symlink(link)", what, __wasi_path_symlink("file", dir, bad));
    say("path_unlink_file", what, __wasi_path_unlink_file(dir, bad));
}

/* A path of LEN bytes: "d/d/…/d" components of COMPONENT bytes (so each stays under NAME_MAX). */
static char *long_path(size_t len, size_t component) {
    char *p = malloc(len + 1);
    for (size_t i = 0; i < len; i++) p[i] = (i % (component + 1) == component) ? '/' : 'd';
    if (p[len - 1] == '/') p[len - 1] = 'd';
    p[len] = 0;
    return p;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: bad_names DIR_FD\n", stderr);
        return 2;
    }
    dir = (__wasi_fd_t)atoi(argv[1]);
    if (create("file") != 0 || __wasi_path_create_directory(dir, "sub") != 0) {
        fputs("bad_names: cannot set up file and sub\n", stderr);
        return 1;
    }

    /* The report's case: three names differing only in a byte that is not UTF-8. */
    say("create", "a\\xffb", create("a\xff" "b"));
    say("create", "a\\xfeb", create("a\xfe" "b"));
    __wasi_filestat_t st;
    say("stat", "a\\xfdb", __wasi_path_filestat_get(dir, 0, "a\xfd" "b", &st));
    /* Other ill-formed UTF-8: a lone continuation byte, an overlong '/', an encoded surrogate, a cut sequence. */
    say("create", "lone continuation", create("x\x80y"));
    say("create", "overlong slash", create("x\xc0\xafy"));
    say("create", "surrogate", create("x\xed\xa0\x80y"));
    say("create", "truncated", create("x\xe2\x82"));
    /* Well-formed names still work, a byte-order mark included (it is part of the name). */
    say("create", "caf\\xc3\\xa9", create("caf\xc3\xa9"));
    say("stat", "caf\\xc3\\xa9", __wasi_path_filestat_get(dir, 0, "caf\xc3\xa9", &st));
    say("create", "bom+file", create("\xef\xbb\xbf" "file"));

    every_call("invalid", "bad\xff" "name");
    char *long_one = long_path(LONG_PATH, 200);
    every_call("long", long_one);

    /* The limits themselves, Linux's: a path of 4095 bytes (PATH_MAX counts the NUL) and a name of
       255 bytes are allowed, one more is not. */
    char *at_max = long_path(4095, 200), *over_max = long_path(4096, 200);
    say("path_filestat_get", "4095 bytes", __wasi_path_filestat_get(dir, 0, at_max, &st));
    say("path_filestat_get", "4096 bytes", __wasi_path_filestat_get(dir, 0, over_max, &st));
    char name255[256], name256[257];
    memset(name255, 'n', 255);
    name255[255] = 0;
    memset(name256, 'n', 256);
    name256[256] = 0;
    say("create", "255-byte name", create(name255));
    say("create", "256-byte name", create(name256));
    /* Multi-byte characters count as bytes: 86 three-byte characters are 258 bytes. */
    char euros[86 * 3 + 1];
    for (int i = 0; i < 86; i++) memcpy(euros + i * 3, "\xe2\x82\xac", 3);
    euros[86 * 3] = 0;
    say("create", "258-byte name of 86 characters", create(euros));
    return 0;
}
