/*
 * memhog.c -- WASI command (_start).
 * Allocates 1 MiB blocks with malloc (touching every byte with memset) up to
 * argv[1] MiB (default 1024). Blocks are never freed.
 *  - malloc returns NULL -> stderr "malloc failed after N MiB\n", exit 12
 *  - all allocated       -> stdout "allocated N MiB\n", exit 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every block escapes through this volatile global, so clang cannot elide the
 * malloc/memset pairs (it would otherwise: the blocks are never read). */
char *volatile last_block;

int main(int argc, char **argv) {
    long want = argc > 1 ? atol(argv[1]) : 1024;
    long got = 0;
    while (got < want) {
        char *p = malloc(1 << 20);
        if (!p) {
            fprintf(stderr, "malloc failed after %ld MiB\n", got);
            return 12;
        }
        memset(p, (int)(got & 0xff) | 1, 1 << 20);
        last_block = p;
        got++;
    }
    printf("allocated %ld MiB\n", got);
    return 0;
}
