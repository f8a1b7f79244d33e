// exit(42) from a nested call: output written before is kept, code after never runs.
#include <stdio.h>
#include <stdlib.h>

static void leave(int code) {
    printf("calling exit(%d)\n", code);
    exit(code);
}

int main(void) {
    leave(42);
    printf("unreachable\n");
    return 0;
}
