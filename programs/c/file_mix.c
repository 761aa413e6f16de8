/*
 * file_mix.c - differential workload: a random mix of file calls on a few files in one
 * directory, through several descriptors at once, printing what each call returned.
 *
 * Invoke:  file_mix DIR SEED STEPS
 * Keeps 4 file names (DIR/f0..f3) and 8 descriptor slots. Each step picks a call by the
 * pseudo-random sequence SEED gives: open (read-only, read-write, truncating, creating,
 * appending), close, read, pread, write, pwrite, ftruncate, fstat, lseek, stat or unlink.
 * Reads print the byte count and a checksum of the bytes; writes fill with a byte the step
 * chooses. The same SEED gives the same calls everywhere, so the output of a correct WASI
 * implementation is the same as any other's (a test compares Keel's with node:wasi's).
 * pwrite is not made on an O_APPEND descriptor (Linux appends, POSIX writes at the offset).
 * Prints:  one line per step, "STEP CALL ARGS -> RESULT" (errno values as numbers), then
 *          "done STEPS".
 * Errors:  a usage line on stderr, exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAMES 4
#define SLOTS 8
#define MAX_IO 9000
#define MAX_SIZE 70000

static uint64_t state;

static uint32_t next(void) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(state >> 33);
}

static uint32_t below(uint32_t n) { return next() % n; }

static uint64_t checksum(const unsigned char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: file_mix DIR SEED STEPS\n", stderr);
        return 2;
    }
    const char *dir = argv[1];
    state = strtoull(argv[2], NULL, 10) * 2654435761ULL + 1;
    long steps = atol(argv[3]);
    int fds[SLOTS], appending[SLOTS];
    for (int i = 0; i < SLOTS; i++) fds[i] = -1, appending[i] = 0;
    static unsigned char buf[MAX_IO];
    char path[512];
    for (long s = 0; s < steps; s++) {
        int slot = (int)below(SLOTS);
        int name = (int)below(NAMES);
        snprintf(path, sizeof path, "%s/f%d", dir, name);
        int fd = fds[slot];
        uint32_t op = below(16);
        long r;
        printf("%ld ", s);
        if (op <= 2 || fd < 0) {
            static const int modes[] = { O_RDONLY, O_RDONLY, O_RDWR, O_RDWR | O_CREAT, O_RDWR | O_TRUNC, O_WRONLY | O_APPEND | O_CREAT, O_RDWR | O_CREAT | O_EXCL };
            int m = (int)below(sizeof modes / sizeof modes[0]);
            if (fd >= 0) close(fd);
            fds[slot] = open(path, modes[m], 0644);
            appending[slot] = (modes[m] & O_APPEND) != 0;
            printf("open f%d mode %d slot %d -> %s %d\n", name, m, slot, fds[slot] < 0 ? "errno" : "ok", fds[slot] < 0 ? errno : 0);
            continue;
        }
        switch (op) {
        case 3:
            r = close(fd);
            fds[slot] = -1;
            printf("close slot %d -> %ld\n", slot, r);
            break;
        case 4: case 5: {
            size_t n = below(MAX_IO) + 1;
            r = read(fd, buf, n);
            if (r < 0) printf("read slot %d %zu -> errno %d\n", slot, n, errno);
            else printf("read slot %d %zu -> %ld %016llx\n", slot, n, r, (unsigned long long)checksum(buf, (size_t)r));
            break;
        }
        case 6: case 7: {
            size_t n = below(MAX_IO) + 1;
            off_t at = below(MAX_SIZE);
            r = pread(fd, buf, n, at);
            if (r < 0) printf("pread slot %d %zu@%lld -> errno %d\n", slot, n, (long long)at, errno);
            else printf("pread slot %d %zu@%lld -> %ld %016llx\n", slot, n, (long long)at, r, (unsigned long long)checksum(buf, (size_t)r));
            break;
        }
        case 8: {
            size_t n = below(MAX_IO / 4) + 1;
            memset(buf, (int)(s & 0xff), n);
            r = write(fd, buf, n);
            printf("write slot %d %zu -> %ld %d\n", slot, n, r, r < 0 ? errno : 0);
            break;
        }
        case 9: {
            size_t n = below(MAX_IO / 4) + 1;
            off_t at = below(MAX_SIZE);
            /* Linux appends whatever the offset on an O_APPEND descriptor (node:wasi too); POSIX and
             * Keel write at the offset. Not a difference this workload looks for. */
            if (appending[slot]) {
                printf("pwrite slot %d appending: skipped\n", slot);
                break;
            }
            memset(buf, (int)(s & 0xff), n);
            r = pwrite(fd, buf, n, at);
            printf("pwrite slot %d %zu@%lld -> %ld %d\n", slot, n, (long long)at, r, r < 0 ? errno : 0);
            break;
        }
        case 10: {
            off_t size = below(MAX_SIZE);
            r = ftruncate(fd, size);
            printf("ftruncate slot %d %lld -> %ld %d\n", slot, (long long)size, r, r < 0 ? errno : 0);
            break;
        }
        case 11: {
            struct stat st;
            r = fstat(fd, &st);
            printf("fstat slot %d -> %ld size %lld\n", slot, r, r < 0 ? -1LL : (long long)st.st_size);
            break;
        }
        case 12: {
            off_t to = below(MAX_SIZE);
            off_t got = lseek(fd, to, below(2) ? SEEK_SET : SEEK_END);
            printf("lseek slot %d %lld -> %lld %d\n", slot, (long long)to, (long long)got, got < 0 ? errno : 0);
            break;
        }
        case 13: {
            struct stat st;
            r = stat(path, &st);
            printf("stat f%d -> %ld size %lld %d\n", name, r, r < 0 ? -1LL : (long long)st.st_size, r < 0 ? errno : 0);
            break;
        }
        case 14:
            r = unlink(path);
            printf("unlink f%d -> %ld %d\n", name, r, r < 0 ? errno : 0);
            break;
        default: {
            /* Read the whole file again through a new read-only open: the case a cached copy serves. */
            int again = open(path, O_RDONLY);
            if (again < 0) {
                printf("reread f%d -> errno %d\n", name, errno);
                break;
            }
            uint64_t h = 1469598103934665603ULL;
            long total = 0;
            while ((r = read(again, buf, 4096)) > 0) {
                for (long i = 0; i < r; i++) h = (h ^ buf[i]) * 1099511628211ULL;
                total += r;
            }
            close(again);
            printf("reread f%d -> %ld %016llx\n", name, total, (unsigned long long)h);
        }
        }
    }
    for (int i = 0; i < SLOTS; i++) if (fds[i] >= 0) close(fds[i]);
    printf("done %ld\n", steps);
    return 0;
}
