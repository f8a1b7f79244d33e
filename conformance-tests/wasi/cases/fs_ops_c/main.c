// File-system operations inside one preopened directory, /sandbox. Each line of output is a
// fact about the result, never an errno value (hosts spell errors differently).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_file(const char *label, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("%s: cannot open (%s)\n", label, errno == ENOENT ? "not found" : "other error"); return; }
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("%s: %zu bytes: %s", label, n, buf);
    if (n == 0 || buf[n - 1] != '\n') printf("\n");
}

static void write_file(const char *path, const char *mode, const char *text) {
    FILE *f = fopen(path, mode);
    if (!f) { printf("write %s (%s): failed\n", path, mode); return; }
    fputs(text, f);
    printf("write %s (%s): %s\n", path, mode, fclose(f) == 0 ? "ok" : "failed");
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("readdir %s: failed\n", path); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char full[512];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        struct stat st;
        const char *kind = stat(full, &st) != 0 ? "?" : S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other";
        char *line = malloc(strlen(e->d_name) + 16);
        sprintf(line, "%s (%s)", e->d_name, kind);
        names[n++] = line;
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp);
    printf("readdir %s: %d entries\n", path, n);
    for (int i = 0; i < n; i++) { printf("  %s\n", names[i]); free(names[i]); }
}

static void stat_of(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { printf("stat %s: failed (%s)\n", path, errno == ENOENT ? "not found" : "other error"); return; }
    printf("stat %s: %s, %lld bytes\n", path, S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "regular file" : "other",
           S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
}

int main(void) {
    print_file("read /sandbox/input.txt", "/sandbox/input.txt");
    print_file("read /sandbox/existing/../input.txt", "/sandbox/existing/../input.txt");
    print_file("read /sandbox/missing.txt", "/sandbox/missing.txt");
    stat_of("/sandbox/input.txt");
    stat_of("/sandbox/existing");
    stat_of("/sandbox/missing.txt");

    // positioned read
    int fd = open("/sandbox/input.txt", O_RDONLY);
    char part[5] = {0};
    lseek(fd, 6, SEEK_SET);
    ssize_t r = read(fd, part, 4);
    close(fd);
    printf("read 4 bytes at offset 6: %zd [%s]\n", r, part);

    write_file("/sandbox/out.txt", "w", "written by the guest\n");
    write_file("/sandbox/out.txt", "a", "appended by the guest\n");
    stat_of("/sandbox/out.txt");
    print_file("read back /sandbox/out.txt", "/sandbox/out.txt");

    printf("mkdir /sandbox/made: %s\n", mkdir("/sandbox/made", 0755) == 0 ? "ok" : "failed");
    printf("mkdir /sandbox/made again: %s\n", mkdir("/sandbox/made", 0755) == 0 ? "ok" : errno == EEXIST ? "exists" : "failed");
    write_file("/sandbox/made/inner.txt", "w", "inner file\n");


    printf("unlink to-delete.txt: %s\n", unlink("/sandbox/to-delete.txt") == 0 ? "ok" : "failed");
    stat_of("/sandbox/to-delete.txt");

    printf("mkdir /sandbox/tmpdir: %s\n", mkdir("/sandbox/tmpdir", 0755) == 0 ? "ok" : "failed");
    printf("rmdir /sandbox/tmpdir: %s\n", rmdir("/sandbox/tmpdir") == 0 ? "ok" : "failed");
    printf("rmdir /sandbox/existing (not empty): %s\n", rmdir("/sandbox/existing") == 0 ? "REMOVED" : "refused");

    list("/sandbox");
    list("/sandbox/made");
    return 0;
}
