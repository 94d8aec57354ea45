/*
 * The least any ptrace + seccomp tracer can do: stop on the given system calls and let them go,
 * without reading anything. The overhead benchmark runs it beside Peregrine's tracer and strace
 * to show the floor this kernel and machine put under every design of that kind.
 *
 * usage: ptrace-floor STOPS NR[,NR...] CMD [ARGS...]
 *   STOPS 1: one stop per call (its seccomp stop); 2: also its exit stop, as for reading a result.
 * Exits with the command's status (128 + signal when it was killed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CALLS 256

static int install_filter(const long *nrs, int n) {
    struct sock_filter prog[4 + 2 * MAX_CALLS + 1];
    int k = 0;
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    prog[k++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (int i = 0; i < n; i++) {
        prog[k++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) nrs[i], 0, 1);
        prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
    }
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = { .len = (unsigned short) k, .filter = prog };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "1") != 0 && strcmp(argv[1], "2") != 0)) {
        fprintf(stderr, "usage: ptrace-floor 1|2 NR[,NR...] CMD [ARGS...]\n");
        return 2;
    }
    int exit_stops = argv[1][0] == '2';
    long nrs[MAX_CALLS];
    int n = 0;
    for (char *s = argv[2], *end; *s && n < MAX_CALLS; s = *end ? end + 1 : end) {
        nrs[n++] = strtol(s, &end, 10);
    }
    pid_t child = fork();
    if (child < 0) {
        perror("ptrace-floor: fork");
        return 125;
    }
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0 || raise(SIGSTOP) != 0 || install_filter(nrs, n) != 0) {
            perror("ptrace-floor: tracee set-up");
            _exit(125);
        }
        execvp(argv[3], argv + 3);
        perror("ptrace-floor: exec");
        _exit(127);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
        fprintf(stderr, "ptrace-floor: the tracee did not stop\n");
        return 125;
    }
    long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE
            | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | (exit_stops ? PTRACE_O_TRACESYSGOOD : 0);
    ptrace(PTRACE_SETOPTIONS, child, 0, opts);
    ptrace(PTRACE_CONT, child, 0, 0);
    int result = 125;
    for (;;) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; /* ECHILD: every tracee is gone */
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == child) {
                result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            continue;
        }
        int sig = WSTOPSIG(status);
        int event = status >> 16;
        if (event == PTRACE_EVENT_SECCOMP) {
            ptrace(exit_stops ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, 0);
        } else if (event != 0 || sig == (SIGTRAP | 0x80) || sig == SIGSTOP) {
            /* fork/clone events, syscall-exit stops, a new child's first stop: nothing to deliver */
            ptrace(PTRACE_CONT, pid, 0, 0);
        } else {
            ptrace(PTRACE_CONT, pid, 0, sig);
        }
    }
    return result;
}
