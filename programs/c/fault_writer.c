/*
 * fault_writer: the durable-write workload of `npm run faults` and the diskfs crash test.
 *
 *   fault_writer FILE LANE FIRST COUNT [SYNC_EVERY]
 *
 * Appends COUNT records to FILE (created if missing), numbered FIRST, FIRST+1, ...; after every
 * SYNC_EVERY records (default 1) it calls fsync (WASI fd_sync) and, once fsync has returned
 * success, prints "ack N" on stdout: record N and every record before it were acknowledged as
 * durable. A record is 64 bytes:
 *
 *   "R" LANE(4 hex) ":" SEQ(8 hex) ":" PAYLOAD(39 chars, a function of lane and seq) ":" SUM(8 hex) "\n"
 *
 * so a checker can find every whole record in the file and tell a correct one from garbage.
 * Any failed call prints "fail CALL ERRNO-TEXT" on stderr and ends the program with status 3:
 * a clean failure, which the runner counts and recovers from by starting the next run.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD 64

static unsigned checksum(const char *p, int n) {
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

static void record(char *out, unsigned lane, unsigned seq) {
    char payload[40];
    unsigned x = lane * 2654435761u ^ seq * 40503u;
    for (int i = 0; i < 39; i++) {
        x = x * 1103515245u + 12345u;
        payload[i] = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"[(x >> 16) % 40];
    }
    payload[39] = 0;
    int n = snprintf(out, RECORD + 1, "R%04x:%08x:%s:", lane & 0xffff, seq, payload);
    snprintf(out + n, RECORD + 1 - n, "%08x\n", checksum(out, n));
}

static int fail(const char *call) {
    fprintf(stderr, "fail %s %s\n", call, strerror(errno));
    return 3;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: fault_writer FILE LANE FIRST COUNT [SYNC_EVERY]\n");
        return 2;
    }
    unsigned lane = (unsigned)strtoul(argv[2], 0, 10);
    unsigned first = (unsigned)strtoul(argv[3], 0, 10);
    unsigned count = (unsigned)strtoul(argv[4], 0, 10);
    unsigned every = argc > 5 ? (unsigned)strtoul(argv[5], 0, 10) : 1;
    if (every == 0) every = 1;
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return fail("open");
    char buf[RECORD + 1];
    for (unsigned i = 0; i < count; i++) {
        record(buf, lane, first + i);
        ssize_t w = write(fd, buf, RECORD);
        if (w != RECORD) {
            if (w >= 0) errno = EIO;
            return fail("write");
        }
        if ((i + 1) % every == 0 || i + 1 == count) {
            if (fsync(fd) != 0) return fail("fsync");
            printf("ack %u\n", first + i);
            fflush(stdout);
        }
    }
    if (close(fd) != 0) return fail("close");
    return 0;
}
