/*
 * keel.h — the `keel` import module: starting and managing processes under Keel, for what WASI
 * preview1 lacks. Functions return 0 on success or an errno value (the same numbers as <errno.h>
 * in wasi-libc), and do not touch `errno`.
 *
 *   keel_spawn    start a program as a child, choosing which fds it gets
 *   keel_wait     wait for a child (or any child) and get its exit status
 *   keel_kill     signal a child
 *   keel_pipe     make a pipe: fds[0] reads, fds[1] writes
 *   keel_dup2     make fd `to` name what fd `from` names
 *   keel_getpid, keel_getppid
 *
 * Confinement: a child can only be started from a file its parent can open (the path is resolved
 * inside the parent's preopened directories, like open()), and gets only the fds its parent passes
 * plus the parent's preopened directories. (wasi-libc in the child looks for preopened directories
 * from fd 3 up and stops at the first fd that is not one: keep mapped fds below 3 or above them.)
 */
#ifndef KEEL_H
#define KEEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wasi/libc-find-relpath.h>

#define KEEL_IMPORT(name) __attribute__((import_module("keel"), import_name(name)))

int32_t __keel_spawn(int32_t dirfd, const char *path, size_t path_len, char *const *argv, int32_t argc,
                     char *const *envp, int32_t envc, const int32_t *fdmap, int32_t nfd, int32_t *pid) KEEL_IMPORT("spawn");
int32_t __keel_wait(int32_t pid, int32_t *status, int32_t *waited) KEEL_IMPORT("wait");
int32_t __keel_kill(int32_t pid, int32_t signal) KEEL_IMPORT("kill");
int32_t __keel_pipe(int32_t *fds) KEEL_IMPORT("pipe");
int32_t __keel_dup2(int32_t from, int32_t to) KEEL_IMPORT("dup2");
int32_t __keel_getpid(void) KEEL_IMPORT("getpid");
int32_t __keel_getppid(void) KEEL_IMPORT("getppid");

static inline int keel__count(char *const *list) {
  int n = 0;
  if (list)
    while (list[n]) n++;
  return n;
}

/*
 * Start `path` with arguments `argv` (NULL-terminated, argv[0] included) and environment `envp`
 * (NULL-terminated; NULL for none). `fdmap` holds `nfd` pairs {child_fd, parent_fd}; with nfd = 0
 * the child gets the parent's 0, 1 and 2. The child's pid is stored in *pid.
 */
static inline int keel_spawn(const char *path, char *const argv[], char *const envp[],
                             const int32_t *fdmap, int nfd, int *pid) {
  const char *prefix;
  char buf[4096];
  char *rel = buf;
  int dirfd = __wasilibc_find_relpath(path, &prefix, &rel, sizeof buf);
  if (dirfd < 0) return 76; /* ENOTCAPABLE: not inside any preopened directory */
  int32_t child = 0;
  int err = __keel_spawn(dirfd, rel, strlen(rel), argv, keel__count(argv), envp, keel__count(envp), fdmap, nfd, &child);
  if (err == 0 && pid) *pid = child;
  return err;
}

/* Wait for child `pid` (-1: any child). *status gets its exit code; *waited the pid collected. */
static inline int keel_wait(int pid, int *status, int *waited) {
  int32_t s = 0, w = 0;
  int err = __keel_wait(pid, &s, &w);
  if (err == 0) {
    if (status) *status = s;
    if (waited) *waited = w;
  }
  return err;
}

static inline int keel_kill(int pid, int signal) { return __keel_kill(pid, signal); }

static inline int keel_pipe(int fds[2]) {
  int32_t f[2];
  int err = __keel_pipe(f);
  if (err == 0) {
    fds[0] = f[0];
    fds[1] = f[1];
  }
  return err;
}

static inline int keel_dup2(int from, int to) { return __keel_dup2(from, to); }
static inline int keel_getpid(void) { return __keel_getpid(); }
static inline int keel_getppid(void) { return __keel_getppid(); }

#endif
