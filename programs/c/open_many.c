/*
 * open_many.c - hold as many files open at once as the system allows.
 *
 * Invoke:  open_many DIR COUNT [hold]
 * Creates and opens DIR/f0 … DIR/f{COUNT-1} one after another, keeping each open, until COUNT
 * are open or an open fails. With "hold", then reads stdin to its end before closing them (so
 * the files stay open while another program runs).
 * Prints:  "opened N\n", then "stopped: <strerror>\n" if an open failed; exits 0.
 * Wrong arguments: usage on stderr, exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fputs("usage: open_many DIR COUNT [hold]\n", stderr);
        return 2;
    }
    int count = atoi(argv[2]);
    int opened = 0, err = 0;
    char path[4096];
    for (int i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/f%d", argv[1], i);
        if (open(path, O_RDWR | O_CREAT, 0644) < 0) {
            err = errno;
            break;
        }
        opened++;
    }
    printf("opened %d\n", opened);
    if (err) printf("stopped: %s\n", strerror(err));
    fflush(stdout);
    if (argc > 3 && strcmp(argv[3], "hold") == 0) {
        char buf[256];
        while (read(0, buf, sizeof buf) > 0) {}
    }
    return 0;
}
