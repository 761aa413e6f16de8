/*
 * wasi_fuzz.c - call every WASI preview1 function with random and malformed arguments and check
 * that each call returns a valid errno (0..76).
 *
 * Invoke:  wasi_fuzz SEED CALLS [DIRFD [TRACE_FROM]]
 * Calls the raw `wasi_snapshot_preview1` imports (not wasi-libc's wrappers) CALLS times, choosing
 * the function and every argument from a seeded generator: pointers inside a scratch arena,
 * straddling the end of linear memory, past it, or wild; lengths from 0 to huge; fds that exist
 * (0-2, the preopen DIRFD, default 3, fds the fuzzer opened), that do not, and negative ones; random
 * flags, rights, whences, clock ids, 64-bit offsets; paths that are empty, `..`-laden, absolute,
 * over-long, or random bytes. Run it in a scratch directory: it creates, renames, links and
 * unlinks files there.
 * Kept away from: proc_exit and proc_raise (they end the fuzzer); closing, moving, replacing or
 * setting flags on fds 0-2 and
 * DIRFD (the fuzzer needs them to go on and to report); unbounded waits (every poll_oneoff's first
 * subscription is a clock of at most 1 ms, or its subscriptions lie past the end of memory; stdin
 * should be empty); fd_allocate beyond 1 MiB (it would
 * reserve real disk under a host runtime).
 * Prints, after a line "--- wasi_fuzz report ---" (random fd_writes to fds 1 and 2 come before it),
 * "calls N" and "invalid K" (calls whose result was not an errno), then one line per function:
 * "NAME calls ok" (ok: how many returned 0). Exits 0 when K is 0, else 1 after naming the first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

IMPORT(args_get) int32_t w_args_get(int32_t, int32_t);
IMPORT(args_sizes_get) int32_t w_args_sizes_get(int32_t, int32_t);
IMPORT(environ_get) int32_t w_environ_get(int32_t, int32_t);
IMPORT(environ_sizes_get) int32_t w_environ_sizes_get(int32_t, int32_t);
IMPORT(clock_res_get) int32_t w_clock_res_get(int32_t, int32_t);
IMPORT(clock_time_get) int32_t w_clock_time_get(int32_t, int64_t, int32_t);
IMPORT(fd_advise) int32_t w_fd_advise(int32_t, int64_t, int64_t, int32_t);
IMPORT(fd_allocate) int32_t w_fd_allocate(int32_t, int64_t, int64_t);
IMPORT(fd_close) int32_t w_fd_close(int32_t);
IMPORT(fd_datasync) int32_t w_fd_datasync(int32_t);
IMPORT(fd_fdstat_get) int32_t w_fd_fdstat_get(int32_t, int32_t);
IMPORT(fd_fdstat_set_flags) int32_t w_fd_fdstat_set_flags(int32_t, int32_t);
IMPORT(fd_fdstat_set_rights) int32_t w_fd_fdstat_set_rights(int32_t, int64_t, int64_t);
IMPORT(fd_filestat_get) int32_t w_fd_filestat_get(int32_t, int32_t);
IMPORT(fd_filestat_set_size) int32_t w_fd_filestat_set_size(int32_t, int64_t);
IMPORT(fd_filestat_set_times) int32_t w_fd_filestat_set_times(int32_t, int64_t, int64_t, int32_t);
IMPORT(fd_pread) int32_t w_fd_pread(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(fd_prestat_get) int32_t w_fd_prestat_get(int32_t, int32_t);
IMPORT(fd_prestat_dir_name) int32_t w_fd_prestat_dir_name(int32_t, int32_t, int32_t);
IMPORT(fd_pwrite) int32_t w_fd_pwrite(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(fd_read) int32_t w_fd_read(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_readdir) int32_t w_fd_readdir(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(fd_renumber) int32_t w_fd_renumber(int32_t, int32_t);
IMPORT(fd_seek) int32_t w_fd_seek(int32_t, int64_t, int32_t, int32_t);
IMPORT(fd_sync) int32_t w_fd_sync(int32_t);
IMPORT(fd_tell) int32_t w_fd_tell(int32_t, int32_t);
IMPORT(fd_write) int32_t w_fd_write(int32_t, int32_t, int32_t, int32_t);
IMPORT(path_create_directory) int32_t w_path_create_directory(int32_t, int32_t, int32_t);
IMPORT(path_filestat_get) int32_t w_path_filestat_get(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_filestat_set_times) int32_t w_path_filestat_set_times(int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t);
IMPORT(path_link) int32_t w_path_link(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_open) int32_t w_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t);
IMPORT(path_readlink) int32_t w_path_readlink(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_remove_directory) int32_t w_path_remove_directory(int32_t, int32_t, int32_t);
IMPORT(path_rename) int32_t w_path_rename(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_symlink) int32_t w_path_symlink(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(path_unlink_file) int32_t w_path_unlink_file(int32_t, int32_t, int32_t);
IMPORT(poll_oneoff) int32_t w_poll_oneoff(int32_t, int32_t, int32_t, int32_t);
IMPORT(sched_yield) int32_t w_sched_yield(void);
IMPORT(random_get) int32_t w_random_get(int32_t, int32_t);
IMPORT(sock_accept) int32_t w_sock_accept(int32_t, int32_t, int32_t);
IMPORT(sock_recv) int32_t w_sock_recv(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(sock_send) int32_t w_sock_send(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(sock_shutdown) int32_t w_sock_shutdown(int32_t, int32_t);

/* ---- the generator (xorshift64*: the same sequence under every runtime) ---- */

static uint64_t state;
static uint64_t next64(void) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}
static uint32_t below(uint32_t n) { return n ? (uint32_t)(next64() % n) : 0; }

/* ---- memory: a scratch arena for buffers the shim may read and write ---- */

#define ARENA 65536
static uint8_t arena[ARENA] __attribute__((aligned(16)));
static int32_t arena_at(uint32_t off) { return (int32_t)(uintptr_t)(arena + off); }
static uint32_t mem_end(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

/* A length: usually small, sometimes large or absurd. */
static int32_t length(void) {
    switch (below(8)) {
    case 0: return 0;
    case 1: return (int32_t)below(8);
    case 2: case 3: return (int32_t)below(256);
    case 4: return (int32_t)below(ARENA);
    case 5: return (int32_t)0x7fffffff;
    case 6: return -1;
    default: return (int32_t)below(4096);
    }
}

/* A pointer: for `len` bytes inside the arena, straddling or past the end of memory, or wild. */
static int32_t pointer(int32_t len) {
    uint32_t want = len > 0 && len < ARENA ? (uint32_t)len : 16;
    switch (below(10)) {
    case 0: return (int32_t)(mem_end() - below(64));          /* straddles the end */
    case 1: return (int32_t)(mem_end() + below(1 << 20));     /* past the end */
    case 2: return (int32_t)next64();                         /* wild */
    case 3: return (int32_t)0xfffffff0u;
    default: return arena_at(below(ARENA - want + 1) & ~3u);  /* in the arena, 4-aligned */
    }
}

/* ---- fds ---- */

static int32_t dirfd = 3;
static int32_t opened[64];
static int nopened;

static int32_t fd(void) {
    switch (below(10)) {
    case 0: return (int32_t)below(3);
    case 1: case 2: case 3: return dirfd;
    case 4: return (int32_t)below(40);
    case 5: return (int32_t)next64();
    case 6: return -1;
    default: return nopened ? opened[below((uint32_t)nopened)] : dirfd;
    }
}

/* An fd the fuzzer may close or replace: never 0-2 or the preopen. */
static int32_t expendable(int32_t f) {
    return f >= 0 && f <= 2 ? f + 1000 : f == dirfd ? dirfd + 2000 : f;
}

static void remember(int32_t f) {
    if (f >= 0 && f != dirfd && f > 2) opened[nopened < 64 ? nopened++ : (int)below(64)] = f;
}

/* ---- values ---- */

static int64_t value64(void) {
    switch (below(8)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return INT64_MAX;
    case 3: return INT64_MIN;
    case 4: return (int64_t)below(1 << 20);
    case 5: return (int64_t)((uint64_t)1 << below(64));
    default: return (int64_t)next64();
    }
}

static int32_t flags32(void) {
    switch (below(4)) {
    case 0: return 0;
    case 1: return (int32_t)(1u << below(16));
    case 2: return (int32_t)below(16);
    default: return (int32_t)next64();
    }
}

/* A path written into the arena at a random spot; sets *ptr and *len. */
static const char *const PATHS[] = {
    "", ".", "..", "/", "a", "b", "d", "d/e", "a/../b", "../x", "d/../../x", "/etc/passwd",
    "d/./e/../f", "//a", "a/", "link", "link/x", "nul\0x", "\xff\xfe", "very/deep/path/of/many/parts",
};
static void path(int32_t *ptr, int32_t *len) {
    uint32_t off = below(ARENA - 600) & ~3u;
    uint32_t n;
    uint32_t pick = below(26);
    if (pick < sizeof PATHS / sizeof PATHS[0]) {
        n = (uint32_t)strlen(PATHS[pick]);
        if (pick == 17) n = 5; /* keep the NUL in "nul\0x" */
        memcpy(arena + off, PATHS[pick], n);
    } else if (pick < 23) {
        n = below(300); /* random bytes, maybe longer than NAME_MAX */
        for (uint32_t i = 0; i < n; i++) arena[off + i] = (uint8_t)(pick == 20 ? 'a' + below(3) : next64());
    } else {
        n = 256 + below(300); /* an over-long component */
        memset(arena + off, 'z', n);
    }
    *ptr = arena_at(off);
    *len = (int32_t)n;
    if (below(12) == 0) { *ptr = pointer(*len); }
    if (below(20) == 0) { *len = length(); }
}

/* Fill an iovec array in the arena: COUNT entries whose buffers are arena slices or bad pointers. */
static int32_t iovecs(int32_t count) {
    uint32_t at = below(1024) & ~7u;
    uint32_t *v = (uint32_t *)(arena + at);
    for (int32_t i = 0; i < count && i < 64; i++) {
        int32_t len = below(4) ? (int32_t)below(512) : length();
        v[2 * i] = (uint32_t)(below(5) ? arena_at(2048 + below(ARENA - 2048 - 512)) : pointer(len));
        v[2 * i + 1] = (uint32_t)len;
    }
    return arena_at(at);
}

/*
 * poll_oneoff subscriptions: first always a relative clock of at most 1 ms, then random ones. The
 * clock comes first so that a shortened count still includes it: a poll with only subscriptions
 * that never become ready (a read on a pipe's write end) rightly waits forever, in POSIX too.
 */
static int32_t subscriptions(int32_t *n) {
    uint32_t at = 4096;
    int32_t count = (int32_t)below(4);
    for (int32_t i = 0; i <= count; i++) {
        uint8_t *s = arena + at + 48 * i;
        for (int j = 0; j < 48; j++) s[j] = (uint8_t)next64();
        uint8_t tag = i == 0 ? 0 : (uint8_t)below(4);
        s[8] = tag;
        if (tag == 0) {
            uint32_t id = i == 0 ? 1 : below(5);
            memcpy(s + 16, &id, 4);
            uint64_t timeout = below(1000000);
            memcpy(s + 24, &timeout, 8);
            uint16_t flags = i == 0 ? 0 : (uint16_t)below(2);
            if (flags) { uint64_t now = 0; memcpy(s + 24, &now, 8); } /* absolute 0: already past */
            memcpy(s + 40, &flags, 2);
        } else if (tag <= 2) {
            int32_t f = fd();
            memcpy(s + 16, &f, 4);
        }
    }
    *n = count + 1;
    return arena_at(at);
}

/* A pointer for poll_oneoff's subscriptions that is not to them: past or straddling the end of memory. */
static int32_t bad_subscriptions(void) {
    return below(2) ? (int32_t)(mem_end() + below(1 << 20)) : (int32_t)(mem_end() - below(48));
}

/* ---- the calls ---- */

#define NFUNCS 44
static const char *const NAMES[NFUNCS] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
    "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "sched_yield", "random_get", "sock_accept", "sock_recv", "sock_send",
    "sock_shutdown",
};
static long calls_of[NFUNCS], ok_of[NFUNCS];

/* argv/environ pointers must leave room for what the shim writes there: use the arena's top. */
static int32_t table(void) { return below(6) ? arena_at(ARENA - 8192) : pointer(64); }

static int32_t call(int which) {
    int32_t p1, l1, p2, l2, n;
    switch (which) {
    case 0: return w_args_get(table(), arena_at(ARENA - 4096));
    case 1: return w_args_sizes_get(pointer(4), pointer(4));
    case 2: return w_environ_get(table(), arena_at(ARENA - 4096));
    case 3: return w_environ_sizes_get(pointer(4), pointer(4));
    case 4: return w_clock_res_get(flags32(), pointer(8));
    case 5: return w_clock_time_get(flags32(), value64(), pointer(8));
    case 6: return w_fd_advise(fd(), value64(), value64(), flags32());
    case 7: return w_fd_allocate(fd(), (int64_t)below(1 << 20), (int64_t)below(1 << 20));
    case 8: return w_fd_close(expendable(fd()));
    case 9: return w_fd_datasync(fd());
    case 10: return w_fd_fdstat_get(fd(), pointer(24));
    case 11: return w_fd_fdstat_set_flags(expendable(fd()), flags32());
    case 12: return w_fd_fdstat_set_rights(expendable(fd()), value64(), value64());
    case 13: return w_fd_filestat_get(fd(), pointer(64));
    case 14: return w_fd_filestat_set_size(fd(), below(2) ? (int64_t)below(1 << 16) : value64());
    case 15: return w_fd_filestat_set_times(fd(), value64(), value64(), flags32());
    case 16: n = (int32_t)below(5); return w_fd_pread(fd(), below(8) ? iovecs(n) : pointer(8), below(10) ? n : length(), value64(), pointer(4));
    case 17: return w_fd_prestat_get(fd(), pointer(8));
    case 18: l1 = length(); return w_fd_prestat_dir_name(fd(), pointer(l1), l1);
    case 19: n = (int32_t)below(5); return w_fd_pwrite(fd(), below(8) ? iovecs(n) : pointer(8), below(10) ? n : length(), below(2) ? (int64_t)below(1 << 16) : value64(), pointer(4));
    case 20: n = (int32_t)below(5); return w_fd_read(fd(), below(8) ? iovecs(n) : pointer(8), below(10) ? n : length(), pointer(4));
    case 21: l1 = length(); return w_fd_readdir(fd(), pointer(l1), l1, below(3) ? 0 : value64(), pointer(4));
    case 22: return w_fd_renumber(expendable(fd()), expendable(fd()));
    case 23: return w_fd_seek(fd(), value64(), (int32_t)below(5), pointer(8));
    case 24: return w_fd_sync(fd());
    case 25: return w_fd_tell(fd(), pointer(8));
    case 26: n = (int32_t)below(5); return w_fd_write(fd(), below(8) ? iovecs(n) : pointer(8), below(10) ? n : length(), pointer(4));
    case 27: path(&p1, &l1); return w_path_create_directory(fd(), p1, l1);
    case 28: path(&p1, &l1); return w_path_filestat_get(fd(), flags32(), p1, l1, pointer(64));
    case 29: path(&p1, &l1); return w_path_filestat_set_times(fd(), flags32(), p1, l1, value64(), value64(), flags32());
    case 30: path(&p1, &l1); path(&p2, &l2); return w_path_link(fd(), flags32(), p1, l1, fd(), p2, l2);
    case 31: {
        path(&p1, &l1);
        int32_t out = arena_at(ARENA - 16);
        int32_t r = w_path_open(fd(), flags32(), p1, l1, below(3) ? (int32_t)below(16) : flags32(), below(2) ? -1 : value64(), below(2) ? -1 : value64(), below(3) ? (int32_t)below(32) : flags32(), below(8) ? out : pointer(4));
        if (r == 0 && nopened < 64) remember(*(int32_t *)(arena + ARENA - 16));
        return r;
    }
    case 32: path(&p1, &l1); l2 = length(); return w_path_readlink(fd(), p1, l1, pointer(l2), l2, pointer(4));
    case 33: path(&p1, &l1); return w_path_remove_directory(fd(), p1, l1);
    case 34: path(&p1, &l1); path(&p2, &l2); return w_path_rename(fd(), p1, l1, fd(), p2, l2);
    case 35: path(&p1, &l1); path(&p2, &l2); return w_path_symlink(p1, l1, fd(), p2, l2);
    case 36: path(&p1, &l1); return w_path_unlink_file(fd(), p1, l1);
    case 37: {
        int32_t subs = subscriptions(&n);
        int32_t events = arena_at(8192);
        return w_poll_oneoff(below(12) ? subs : bad_subscriptions(), below(12) ? events : pointer(32), below(16) ? n : (int32_t)below(3), pointer(4));
    }
    case 38: return w_sched_yield();
    case 39: l1 = below(4) ? (int32_t)below(256) : length(); return w_random_get(pointer(l1), l1);
    case 40: return w_sock_accept(fd(), flags32(), pointer(4));
    case 41: n = (int32_t)below(4); return w_sock_recv(fd(), iovecs(n), n, flags32(), pointer(4), pointer(2));
    case 42: n = (int32_t)below(4); return w_sock_send(fd(), iovecs(n), n, flags32(), pointer(4));
    default: return w_sock_shutdown(fd(), flags32());
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fputs("usage: wasi_fuzz SEED CALLS [DIRFD [TRACE_FROM]]\n", stderr);
        return 2;
    }
    state = strtoull(argv[1], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    long calls = atol(argv[2]);
    if (argc > 3) dirfd = atoi(argv[3]);
    /* TRACE_FROM: name each call from that index on, on stderr, before it is made (to find a hang). */
    long trace_from = argc > 4 ? atol(argv[4]) : -1;
    /* Nothing of the fuzzer's may lie near the end of memory, where straddling pointers land: the
       output buffer is static (no malloc) and memory grows by 4 pages no allocator knows of. */
    static char outbuf[8192];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    __builtin_wasm_memory_grow(0, 4);
    long invalid = 0;
    int first_bad = -1;
    int32_t first_result = 0;
    for (long i = 0; i < calls; i++) {
        int which = (int)below(NFUNCS);
        if (trace_from >= 0 && i >= trace_from) fprintf(stderr, "call %ld: %s\n", i, NAMES[which]);
        int32_t r = call(which);
        calls_of[which]++;
        if (r == 0) ok_of[which]++;
        if (r < 0 || r > 76) {
            if (invalid++ == 0) { first_bad = which; first_result = r; }
        }
    }
    /* Random fd_writes may have sent arena bytes to stdout: the report follows a marker line. */
    printf("\n--- wasi_fuzz report ---\ncalls %ld\ninvalid %ld\n", calls, invalid);
    for (int i = 0; i < NFUNCS; i++) printf("%s %ld %ld\n", NAMES[i], calls_of[i], ok_of[i]);
    if (invalid) {
        fprintf(stderr, "wasi_fuzz: %s returned %d, not an errno\n", NAMES[first_bad], (int)first_result);
        return 1;
    }
    return 0;
}
