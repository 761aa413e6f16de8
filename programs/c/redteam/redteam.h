/*
 * redteam.h - what the hostile programs of the red-team suite share: the host tree they attack,
 * how they report, and small wrappers over the raw WASI calls (raw, so the exact path reaches the
 * runtime: wasi-libc would resolve absolute paths and `..` itself).
 *
 * The host tree (made fresh for each attack by test/redteam/host-tree.ts), seen from the sandbox:
 *   ../secret.txt          the secret (random bytes the driver looks for everywhere)
 *   ../secret-link         a symlink whose target is the secret
 *   ../victim.txt          a file to unlink, rename, truncate or touch
 *   ../empty-dir/          a directory to remove
 *   ../sibling/            file.txt and inner.txt (the secret again), victim.txt, empty-dir/,
 *                          secret-link: what a directory swapped for `..` leads to
 *   ../sandboxed/secret.txt  the secret, in a sibling whose name starts with the sandbox's
 *   ../canary.wasm         a program that prints ESCAPED if it ever runs
 *   ../outside-d/inner.txt the secret, where the host-side swap points d
 *   d/inner.txt, up/sibling/inner.txt
 *                          inside: "inside\n" (and in ../proj/up/sibling, ../proj/out/up/sibling,
 *                          for the attacks whose preopens are proj and proj/out)
 *   planted, planted-abs, planted-dir, planted-up, planted-canary
 *                          symlinks the host planted: ../secret.txt, HOST/secret.txt,
 *                          ../sibling, .., ../canary.wasm
 * Reports: one line per attempt, "WHAT: refused (ERRNO)", "WHAT: harmless" (it worked without
 * reaching outside), or "WHAT: ESCAPED ..." with what was read; a last line "DONE". Anything read
 * is printed, so the driver can find the secret in the output even if a judgement here is wrong.
 */
#ifndef REDTEAM_H
#define REDTEAM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define FILE_RIGHTS ((__wasi_rights_t)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET))
#define DIR_RIGHTS ((__wasi_rights_t)0x1fffffff & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_SEEK))
#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff)

static int rt_escapes, rt_attempts;

static inline const char *rt_errno(__wasi_errno_t e) {
    static char buf[64];
    snprintf(buf, sizeof buf, "%s", strerror(e));
    return buf;
}

/* Print `len` bytes read from somewhere, as text with non-printing bytes escaped. */
static inline void rt_print_bytes(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
}

/* Report an attempt: `outside` says it reached something outside the sandbox. */
static inline void rt_report(const char *what, __wasi_errno_t e, int outside) {
    rt_attempts++;
    if (outside) {
        printf("%s: ESCAPED\n", what);
        rt_escapes++;
    } else if (e) {
        printf("%s: refused (%s)\n", what, rt_errno(e));
    } else {
        printf("%s: harmless\n", what);
    }
}

/* Read up to 4 KiB of open file `fd` into buf; returns the length. */
static inline size_t rt_read_all(__wasi_fd_t fd, char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap) {
        __wasi_iovec_t iov = {(uint8_t *)buf + got, cap - got};
        __wasi_size_t n = 0;
        if (__wasi_fd_read(fd, &iov, 1, &n) != 0 || n == 0) break;
        got += n;
    }
    return got;
}

/*
 * Try to read PATH under DIR. `inside` is what the file holds if the path stayed inside (NULL: no
 * such file is inside, so any successful open escaped). Prints what was read when it differs.
 */
static inline void rt_try_read(const char *what, __wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path, const char *inside) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, lookup, path, 0, FILE_RIGHTS, 0, 0, &fd);
    if (e != 0) {
        rt_report(what, e, 0);
        return;
    }
    char buf[4096];
    size_t n = rt_read_all(fd, buf, sizeof buf);
    (void)__wasi_fd_close(fd);
    int outside = inside == NULL || n != strlen(inside) || memcmp(buf, inside, n) != 0;
    if (outside) {
        printf("%s: ESCAPED read \"", what);
        rt_print_bytes(buf, n);
        printf("\"\n");
        rt_escapes++;
        rt_attempts++;
    } else {
        rt_report(what, 0, 0);
    }
}

/* Does PATH exist under DIR (without following a final symlink)? */
static inline int rt_exists(__wasi_fd_t dir, const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, 0, path, &st) == 0;
}

/* Create (or truncate) PATH under DIR holding TEXT; the errno. */
static inline __wasi_errno_t rt_write_file(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, 0, &fd);
    if (e != 0) return e;
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    e = __wasi_fd_write(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    return e;
}

/* The directory listing of open directory DIR, printed; returns 1 if it holds NAME. */
static inline int rt_list_has(const char *what, __wasi_fd_t dir, const char *name) {
    static uint8_t buf[16384];
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(dir, buf, sizeof buf, 0, &used);
    if (e != 0) {
        rt_report(what, e, 0);
        return 0;
    }
    int found = 0;
    printf("%s: lists", what);
    for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        off += sizeof d;
        if (off + d.d_namlen > used) break;
        printf(" ");
        rt_print_bytes((const char *)buf + off, d.d_namlen);
        if (d.d_namlen == strlen(name) && memcmp(buf + off, name, d.d_namlen) == 0) found = 1;
        off += d.d_namlen;
    }
    printf("\n");
    return found;
}

static inline int rt_done(void) {
    printf("attempts %d, escapes %d\nDONE\n", rt_attempts, rt_escapes);
    fflush(stdout);
    return rt_escapes ? 1 : 0;
}

#endif
