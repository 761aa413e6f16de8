/*
 * rename_path.c - rename one path to another, as mv(1) does within one file system.
 *
 * Invoke:  rename_path OLD NEW
 * Prints:  "renamed\n" and exits 0, or "rename: <strerror>\n" and exits 1.
 * Wrong argument count: usage on stderr, exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: rename_path OLD NEW\n", stderr);
        return 2;
    }
    if (rename(argv[1], argv[2]) != 0) {
        printf("rename: %s\n", strerror(errno));
        return 1;
    }
    puts("renamed");
    return 0;
}
