/*
 * list_dir.c - list a directory deterministically.
 *
 * Invoke:  list_dir DIR
 * Reads DIR with opendir()/readdir(), skips "." and "..", sorts the names
 * (strcmp byte order) and lstat()s each DIR/NAME.
 * Prints to stdout one line per entry:
 *     NAME<TAB>TYPE<TAB>SIZE
 * where TYPE is file, dir, symlink or other (from lstat, so symlinks are
 * not followed) and SIZE is st_size in bytes for files, "-" otherwise.
 * An empty directory prints nothing.  Exits 0.
 * Errors:  "list_dir: PATH: <strerror>\n" to stderr, exit 1 (the listing
 *          is not printed if any entry cannot be lstat()ed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void die(const char *path) {
    fprintf(stderr, "list_dir: %s: %s\n", path, strerror(errno));
    exit(1);
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p) {
        fputs("list_dir: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: list_dir DIR\n", stderr);
        return 1;
    }
    const char *dir = argv[1];

    DIR *d = opendir(dir);
    if (!d)
        die(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno)
                die(dir);
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            fputs("list_dir: out of memory\n", stderr);
            return 1;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);

    /* lstat everything first so an error yields no partial listing. */
    struct stat *st = xrealloc(NULL, (n ? n : 1) * sizeof *st);
    size_t dlen = strlen(dir);
    int need_slash = dlen > 0 && dir[dlen - 1] != '/';
    for (size_t i = 0; i < n; i++) {
        size_t len = dlen + 1 + strlen(names[i]) + 1;
        char *path = xrealloc(NULL, len);
        snprintf(path, len, "%s%s%s", dir, need_slash ? "/" : "", names[i]);
        if (lstat(path, &st[i]) < 0)
            die(path);
        free(path);
    }

    for (size_t i = 0; i < n; i++) {
        mode_t m = st[i].st_mode;
        if (S_ISREG(m))
            printf("%s\tfile\t%lld\n", names[i], (long long)st[i].st_size);
        else if (S_ISDIR(m))
            printf("%s\tdir\t-\n", names[i]);
        else if (S_ISLNK(m))
            printf("%s\tsymlink\t-\n", names[i]);
        else
            printf("%s\tother\t-\n", names[i]);
        free(names[i]);
    }
    free(names);
    free(st);
    return 0;
}
