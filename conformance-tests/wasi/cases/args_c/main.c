// argv as the guest sees it: argv[0] is the function name, then the case's args verbatim
// (spaces, an empty string and non-ASCII must arrive unchanged).
#include <stdio.h>

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=[%s]\n", i, argv[i]);
    }
    return 0;
}
