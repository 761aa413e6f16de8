/*
 * bad_spawn_names.c - pass names that are not valid UTF-8, and strings that are too long, to
 * keel.spawn (the path, an argv string, an environment string), and print what each answers.
 *
 * Invoke:  bad_spawn_names DIR_FD PROGRAM
 * PROGRAM is a wasm program's file name in preopened directory DIR_FD (so a spawn with good
 * arguments would start it). Prints one line per call: "keel.spawn(WHICH) WHAT: ERRNO-NAME",
 * WHAT being "invalid" (bytes that are not UTF-8) or "long" (70 KiB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keel.h"

static const char *name_of(int e) {
    switch (e) {
        case 0: return "ok";
        case 1: return "E2BIG";
        case 25: return "EILSEQ";
        case 29: return "EIO";
        case 37: return "ENAMETOOLONG";
        default: {
            static char buf[16];
            snprintf(buf, sizeof buf, "errno %d", e);
            return buf;
        }
    }
}

static void spawns(int32_t dir, const char *what, const char *bad, const char *program) {
    int32_t pid;
    char *ok_argv[] = {(char *)program, NULL};
    char *bad_argv[] = {(char *)program, (char *)bad, NULL};
    char *bad_env[] = {(char *)"A=1", (char *)bad, NULL};
    printf("keel.spawn(path) %s: %s\n", what, name_of(__keel_spawn(dir, bad, strlen(bad), ok_argv, 1, NULL, 0, NULL, 0, &pid)));
    printf("keel.spawn(argv) %s: %s\n", what, name_of(__keel_spawn(dir, program, strlen(program), bad_argv, 2, NULL, 0, NULL, 0, &pid)));
    printf("keel.spawn(env) %s: %s\n", what, name_of(__keel_spawn(dir, program, strlen(program), ok_argv, 1, bad_env, 2, NULL, 0, &pid)));
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: bad_spawn_names DIR_FD PROGRAM\n", stderr);
        return 2;
    }
    int32_t dir = atoi(argv[1]);
    spawns(dir, "invalid", "bad\xff" "name", argv[2]);
    char *long_one = malloc(70 * 1024 + 1);
    for (int i = 0; i < 70 * 1024; i++) long_one[i] = (i % 201 == 200) ? '/' : 'd';
    long_one[70 * 1024] = 0;
    spawns(dir, "long", long_one, argv[2]);
    /* A good spawn still works: the program runs and is waited for (its output after ours). */
    fflush(stdout);
    int32_t pid = 0, status = -1, waited = 0;
    char *ok_argv[] = {argv[2], NULL};
    int e = __keel_spawn(dir, argv[2], strlen(argv[2]), ok_argv, 1, NULL, 0, NULL, 0, &pid);
    if (e == 0) e = keel_wait(pid, &status, &waited);
    printf("keel.spawn(good): %s, status %d\n", name_of(e), (int)status);
    return 0;
}
