/*
 * canary.c - kept OUTSIDE the sandbox by the red-team driver: if a hostile program ever manages
 * to start it, it says so (and the driver finds "ESCAPED" in the output).
 */
#include <stdio.h>

int main(void) {
    printf("canary: ESCAPED: a program outside the sandbox was started\n");
    return 0;
}
