/*
 * hello.c - the smallest possible WASI test program.
 *
 * Invoke:  hello
 * Prints:  "hello, world\n" to stdout, nothing to stderr; exits 0.
 */
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
