// rename(2) inside /sandbox: a plain rename, one that replaces an existing file (POSIX: atomic
// replace), a directory rename, and a missing source.
#include <errno.h>
#include <stdio.h>

static void show(const char *label, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("%s: absent\n", label); return; }
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    printf("%s: %zu bytes: %s", label, n, buf);
}

static void mv(const char *from, const char *to) {
    int rc = rename(from, to);
    printf("rename %s -> %s: %s\n", from, to, rc == 0 ? "ok" : errno == ENOENT ? "not found" : "failed");
}

int main(void) {
    mv("/sandbox/a.txt", "/sandbox/renamed.txt");
    show("/sandbox/a.txt", "/sandbox/a.txt");
    show("/sandbox/renamed.txt", "/sandbox/renamed.txt");
    mv("/sandbox/b.txt", "/sandbox/renamed.txt");
    show("/sandbox/b.txt", "/sandbox/b.txt");
    show("/sandbox/renamed.txt", "/sandbox/renamed.txt");
    mv("/sandbox/dir", "/sandbox/dir2");
    show("/sandbox/dir2/inner.txt", "/sandbox/dir2/inner.txt");
    mv("/sandbox/missing.txt", "/sandbox/other.txt");
    return 0;
}
