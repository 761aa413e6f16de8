/*
 * pipeline — run `PRODUCER | CONSUMER` as two child processes joined by a Keel pipe, the way a
 * shell would, and report both exit codes.
 *
 *   pipeline DIR           runs DIR/seq.wasm 1 5 | DIR/cat.wasm, so it prints 1..5, then
 *                          "producer exited 0" and "consumer exited 0" (to stderr)
 *   pipeline DIR PROD CONS [ARG]  runs DIR/PROD.wasm [ARG] | DIR/CONS.wasm
 *
 * Uses keel.h: keel_pipe, keel_spawn with an fd map (the pipe ends become the children's stdout
 * and stdin), keel_wait. The parent closes its pipe ends so the consumer sees end of input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "keel.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: pipeline DIR [PRODUCER CONSUMER [ARG]]\n");
    return 2;
  }
  const char *dir = argv[1];
  const char *prod = argc > 3 ? argv[2] : "seq";
  const char *cons = argc > 3 ? argv[3] : "cat";
  char prod_path[1024], cons_path[1024];
  snprintf(prod_path, sizeof prod_path, "%s/%s.wasm", dir, prod);
  snprintf(cons_path, sizeof cons_path, "%s/%s.wasm", dir, cons);

  int fds[2];
  int err = keel_pipe(fds);
  if (err) {
    fprintf(stderr, "pipeline: pipe: %s\n", strerror(err));
    return 1;
  }
  char *prod_argv[] = {(char *)prod, argc > 4 ? argv[4] : "1", argc > 4 ? NULL : "5", NULL};
  char *cons_argv[] = {(char *)cons, NULL};
  int32_t prod_map[] = {0, 0, 1, fds[1], 2, 2};   /* stdout → the pipe's write end */
  int32_t cons_map[] = {0, fds[0], 1, 1, 2, 2};   /* stdin ← the pipe's read end */
  int prod_pid, cons_pid;
  if ((err = keel_spawn(prod_path, prod_argv, NULL, prod_map, 3, &prod_pid))) {
    fprintf(stderr, "pipeline: %s: %s\n", prod_path, strerror(err));
    return 1;
  }
  if ((err = keel_spawn(cons_path, cons_argv, NULL, cons_map, 3, &cons_pid))) {
    fprintf(stderr, "pipeline: %s: %s\n", cons_path, strerror(err));
    return 1;
  }
  close(fds[0]);
  close(fds[1]);
  for (int i = 0; i < 2; i++) {
    int status, pid;
    if ((err = keel_wait(-1, &status, &pid))) {
      fprintf(stderr, "pipeline: wait: %s\n", strerror(err));
      return 1;
    }
    fprintf(stderr, "%s exited %d\n", pid == prod_pid ? "producer" : "consumer", status);
  }
  return 0;
}
