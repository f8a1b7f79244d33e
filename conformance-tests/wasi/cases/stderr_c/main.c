// stdout and stderr are separate streams; neither leaks into the other.
#include <stdio.h>

int main(void) {
    fprintf(stdout, "to stdout 1\n");
    fprintf(stderr, "to stderr 1\n");
    fflush(stdout);
    fprintf(stderr, "to stderr 2\n");
    fprintf(stdout, "to stdout 2\n");
    return 0;
}
