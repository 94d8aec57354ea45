/*
 * enter ROOT [NAME=VALUE...] -- PROGRAM [ARG...]: chroot to ROOT and execute PROGRAM (an
 * absolute path inside ROOT) with exactly the given environment. The test's stand-in for a
 * container runtime's last step: host tools never see the workload's environment (a musl
 * LD_PRELOAD would crash them).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: enter ROOT [NAME=VALUE...] -- PROGRAM [ARG...]\n");
        return 125;
    }
    int sep = 2;
    while (sep < argc && strcmp(argv[sep], "--") != 0) {
        sep++;
    }
    if (sep + 1 >= argc) {
        fprintf(stderr, "enter: no program after --\n");
        return 125;
    }
    if (chroot(argv[1]) != 0 || chdir("/") != 0) {
        perror("enter: chroot");
        return 125;
    }
    char *env[argc];
    int n = 0;
    for (int i = 2; i < sep; i++) {
        env[n++] = argv[i];
    }
    env[n] = NULL;
    argv[sep] = NULL;
    execve(argv[sep + 1], argv + sep + 1, env);
    perror("enter: execve");
    return 127;
}
