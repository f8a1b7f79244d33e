// Returning 0 from main: wasi-libc's _start returns without calling proc_exit.
#include <stdio.h>

int main(void) {
    printf("returning 0 from main\n");
    return 0;
}
