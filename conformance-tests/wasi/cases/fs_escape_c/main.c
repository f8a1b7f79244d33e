// Every way out of /sandbox by path ("..", absolute paths) must fail and leave the host's outside/
// untouched. Prints "denied" or "ALLOWED", never an errno (hosts spell errors differently).
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
    printf("-- dot-dot\n");
    try_read("/sandbox/../outside/secret.txt");
    try_read("/sandbox/inside/../../outside/secret.txt");
    try_stat("/sandbox/../outside/secret.txt");
    try_opendir("/sandbox/..");
    try_create("/sandbox/../outside/new.txt");
    printf("mkdir /sandbox/../escaped: %s\n", mkdir("/sandbox/../escaped", 0755) == 0 ? "ALLOWED" : "denied");
    printf("unlink /sandbox/../outside/secret.txt: %s\n", unlink("/sandbox/../outside/secret.txt") == 0 ? "ALLOWED" : "denied");
    printf("rename inside.txt -> ../outside/moved.txt: %s\n",
           rename("/sandbox/inside.txt", "/sandbox/../outside/moved.txt") == 0 ? "ALLOWED" : "denied");

    printf("-- absolute paths outside every preopen\n");
    try_read("/outside/secret.txt");
    try_read("/etc/passwd");
    try_create("/tmp/escaped.txt");
    try_opendir("/");

    printf("-- still allowed\n");
    try_read("/sandbox/inside.txt");
    return 0;
}
