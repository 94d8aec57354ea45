/*
 * The least a tracer that stops the workload on system calls can do: stop on the given calls
 * and let them go, without reading anything. The overhead benchmark runs it beside Peregrine's
 * tracer and strace to show the floor this kernel and machine put under every such design.
 *
 * usage: stop-floor MODE NR[,NR...] CMD [ARGS...]
 *   MODE 1:     ptrace, one stop per call (its seccomp stop);
 *        2:     ptrace, also the call's exit stop, as reading its result needs;
 *        notif: seccomp user notification instead of ptrace (the supervisor answers
 *               "continue" to each call; no ptrace at all, so no fork/exec tracking either).
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
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CALLS 256

static int install_filter(const long *nrs, int n, unsigned action, unsigned flags) {
    struct sock_filter prog[4 + 2 * MAX_CALLS + 1];
    int k = 0;
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    prog[k++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (int i = 0; i < n; i++) {
        prog[k++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) nrs[i], 0, 1);
        prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, action);
    }
    prog[k++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = { .len = (unsigned short) k, .filter = prog };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
}

/* Seccomp user notification: the child hands its listener over, the parent answers every call. */
static int run_notif(const long *nrs, int n, char **cmd) {
    int up[2], down[2];
    if (pipe(up) != 0 || pipe(down) != 0) {
        perror("stop-floor: pipe");
        return 125;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("stop-floor: fork");
        return 125;
    }
    if (child == 0) {
        int fd = install_filter(nrs, n, SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
        char go;
        if (fd < 0 || write(up[1], &fd, sizeof fd) != sizeof fd || read(down[0], &go, 1) != 1) {
            perror("stop-floor: tracee set-up");
            _exit(125);
        }
        close(fd);
        execvp(cmd[0], cmd);
        perror("stop-floor: exec");
        _exit(127);
    }
    int childfd;
    if (read(up[0], &childfd, sizeof childfd) != sizeof childfd) {
        fprintf(stderr, "stop-floor: the child could not install its filter\n");
        return 125;
    }
    int pidfd = (int) syscall(SYS_pidfd_open, child, 0);
    int listener = pidfd < 0 ? -1 : (int) syscall(SYS_pidfd_getfd, pidfd, childfd, 0);
    if (listener < 0 || write(down[1], "g", 1) != 1) {
        perror("stop-floor: taking the listener");
        kill(child, SIGKILL);
        return 125;
    }
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
        perror("stop-floor: notification sizes");
        kill(child, SIGKILL);
        return 125;
    }
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    for (;;) {
        struct pollfd p = { .fd = listener, .events = POLLIN };
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (p.revents & POLLIN) {
            memset(req, 0, sizes.seccomp_notif);
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
                continue; /* the caller went away */
            }
            memset(resp, 0, sizes.seccomp_notif_resp);
            resp->id = req->id;
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
            ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
        } else if (p.revents & (POLLHUP | POLLERR)) {
            break; /* no process uses the filter any more */
        }
    }
    int status;
    if (waitpid(child, &status, 0) != child) {
        return 125;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "1") != 0 && strcmp(argv[1], "2") != 0 && strcmp(argv[1], "notif") != 0)) {
        fprintf(stderr, "usage: stop-floor 1|2|notif NR[,NR...] CMD [ARGS...]\n");
        return 2;
    }
    int exit_stops = argv[1][0] == '2';
    long nrs[MAX_CALLS];
    int n = 0;
    for (char *s = argv[2], *end; *s && n < MAX_CALLS; s = *end ? end + 1 : end) {
        nrs[n++] = strtol(s, &end, 10);
    }
    if (strcmp(argv[1], "notif") == 0) {
        return run_notif(nrs, n, argv + 3);
    }
    pid_t child = fork();
    if (child < 0) {
        perror("stop-floor: fork");
        return 125;
    }
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0 || raise(SIGSTOP) != 0
                || install_filter(nrs, n, SECCOMP_RET_TRACE, 0) != 0) {
            perror("stop-floor: tracee set-up");
            _exit(125);
        }
        execvp(argv[3], argv + 3);
        perror("stop-floor: exec");
        _exit(127);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
        fprintf(stderr, "stop-floor: the tracee did not stop\n");
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
