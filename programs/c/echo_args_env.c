/*
 * echo_args_env.c - dump the argument vector and environment.
 *
 * Invoke:  echo_args_env [ARG...]       (with any environment)
 * Prints to stdout, one item per line:
 *     argc=N
 *     argv[0]=...        (every argument, argv[0] included, in order)
 *     argv[1]=...
 *     env: NAME=VALUE    (every environment entry, sorted by strcmp on the
 *                         whole "NAME=VALUE" string, none skipped)
 * Nothing on stderr; exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);

    size_t n = 0;
    if (environ)
        while (environ[n])
            n++;
    char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
        fputs("echo_args_env: out of memory\n", stderr);
        return 1;
    }
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    for (size_t i = 0; i < n; i++)
        printf("env: %s\n", sorted[i]);
    free(sorted);
    return 0;
}
