// Returning non-zero from main: wasi-libc's _start calls proc_exit(1) after flushing stdout.
#include <stdio.h>

int main(void) {
    printf("returning 1 from main\n");
    return 1;
}
