/*
 * trap.c - die with a WebAssembly trap (the `unreachable` instruction).
 *
 * Invoke:  trap
 * Prints:  "about to trap\n" to stdout (flushed), then executes
 *          __builtin_trap().  The module never returns normally and never
 *          calls proc_exit: the host sees a trap / RuntimeError
 *          ("unreachable"), not an exit status.
 */
#include <stdio.h>

int main(void) {
    fputs("about to trap\n", stdout);
    fflush(stdout);
    __builtin_trap();
}
