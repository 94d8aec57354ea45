/* Copies /bin/true into a memfd and executes it (fexecve), then execveat's /bin/echo. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    int fd = memfd_create("payload", 0);
    int src = open("/bin/true", O_RDONLY);
    char buf[65536];
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0) write(fd, buf, n);
    close(src);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"payload", NULL};
        char *envp[] = {NULL};
        fexecve(fd, argv, envp);
        _exit(100);
    }
    int status;
    waitpid(pid, &status, 0);
    char *argv[] = {"echo", "via-execveat", NULL};
    char *envp[] = {NULL};
    syscall(SYS_execveat, AT_FDCWD, "/bin/echo", argv, envp, 0);
    return 101;
}
