/*
 * restart_stream: the workload of the transparent-restart tests (test/system/restart.test.ts).
 *
 *   restart_stream FILE STOPFILE
 *
 * Streams writes and reads through one open file while the service that owns it may be killed
 * and restarted underneath: step i writes record i % SLOTS (64 bytes, a function of the slot
 * only) at its slot's offset, fsyncs, reads the record back through the same fd at that offset,
 * then reads the whole file from the start and checks every record written so far. It stops
 * after a whole cycle of SLOTS steps once STOPFILE exists, so the file it leaves is the same
 * however many steps it took, and exits 0, printing nothing (its standard streams may be pipes,
 * which do not survive a restart of the VFS); the first call that fails or the first record that
 * differs prints "fail WHAT STEP ERRNO-TEXT" on stderr and exits 3.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD 64
#define SLOTS 64

static void record(int slot, char *out) {
    memset(out, 'a' + slot % 26, RECORD);
    snprintf(out, RECORD, "slot %04d of restart_stream ", slot);
    out[strlen(out)] = ' ';
    out[RECORD - 1] = '\n';
}

static int fail(const char *what, long step) {
    fprintf(stderr, "fail %s %ld %s\n", what, step, strerror(errno));
    return 3;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: restart_stream FILE STOPFILE\n");
        return 2;
    }
    int fd = open(argv[1], O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) return fail("open", -1);
    char want[RECORD], got[RECORD];
    static char whole[RECORD * SLOTS];
    for (long step = 0;; step++) {
        int slot = (int)(step % SLOTS);
        if (slot == 0 && step > 0) {
            struct stat st;
            if (stat(argv[2], &st) == 0) break;
            if (errno != ENOENT) return fail("stat", step);
        }
        record(slot, want);
        if (pwrite(fd, want, RECORD, (off_t)slot * RECORD) != RECORD) return fail("pwrite", step);
        if (fsync(fd) != 0) return fail("fsync", step);
        if (pread(fd, got, RECORD, (off_t)slot * RECORD) != RECORD) return fail("pread", step);
        if (memcmp(got, want, RECORD) != 0) { errno = EILSEQ; return fail("record", step); }
        if (lseek(fd, 0, SEEK_SET) != 0) return fail("lseek", step);
        long have = step < SLOTS ? slot + 1 : SLOTS;
        size_t n = 0;
        while (n < (size_t)have * RECORD) {
            ssize_t r = read(fd, whole + n, sizeof whole - n);
            if (r < 0) return fail("read", step);
            if (r == 0) break;
            n += (size_t)r;
        }
        if (n != (size_t)have * RECORD) { errno = EILSEQ; return fail("size", step); }
        for (int s = 0; s < have; s++) {
            record(s, want);
            if (memcmp(whole + s * RECORD, want, RECORD) != 0) { errno = EILSEQ; return fail("content", step); }
        }
    }
    if (close(fd) != 0) return fail("close", -1);
    return 0;
}
