// Symlinks the host made inside /sandbox: those pointing outside must not be followed (read,
// stat, create), the one pointing to a file inside must work. Prints "denied" or "ALLOWED".
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_read(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("read %s: denied\n", path); return; }
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("read %s: ALLOWED (%zd bytes)\n", path, n);
}

static void try_create(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("create %s: denied\n", path); return; }
    write(fd, "escaped\n", 8);
    close(fd);
    printf("create %s: ALLOWED\n", path);
}

static void try_stat(const char *path) {
    struct stat st;
    printf("stat %s: %s\n", path, stat(path, &st) == 0 ? "ALLOWED" : "denied");
}

static void try_opendir(const char *path) {
    DIR *d = opendir(path);
    printf("opendir %s: %s\n", path, d ? "ALLOWED" : "denied");
    if (d) closedir(d);
}

int main(void) {
    printf("-- symlinks made by the host\n");
    try_read("/sandbox/link_out/secret.txt");
    try_read("/sandbox/link_abs/secret.txt");
    try_read("/sandbox/link_file");
    try_stat("/sandbox/link_out/secret.txt");
    try_opendir("/sandbox/link_out");
    try_create("/sandbox/link_out/new.txt");
    try_create("/sandbox/link_abs/new.txt");

    printf("-- still allowed\n");
    try_read("/sandbox/inside.txt");
    try_read("/sandbox/link_in");
    return 0;
}
