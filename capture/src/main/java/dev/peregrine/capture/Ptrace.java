package dev.peregrine.capture;

/** ptrace(2) and wait(2) constants (linux/ptrace.h, sys/wait.h). */
final class Ptrace {
    private Ptrace() {
    }

    static final int PEEKUSER = 3;
    static final int POKEUSER = 6;
    static final int CONT = 7;
    static final int GETREGS = 12;
    static final int SETREGS = 13;
    static final int SYSCALL = 24;
    static final int GETEVENTMSG = 0x4201;
    static final int GETREGSET = 0x4204;
    static final int SETREGSET = 0x4205;
    static final int SEIZE = 0x4206;
    static final int LISTEN = 0x4208;
    static final int GET_SYSCALL_INFO = 0x420e;

    static final int O_TRACESYSGOOD = 1;
    static final int O_TRACEFORK = 2;
    static final int O_TRACEVFORK = 4;
    static final int O_TRACECLONE = 8;
    static final int O_TRACEEXEC = 0x10;
    static final int O_TRACESECCOMP = 0x80;
    static final int O_EXITKILL = 0x100000;

    static final int EVENT_FORK = 1;
    static final int EVENT_VFORK = 2;
    static final int EVENT_CLONE = 3;
    static final int EVENT_EXEC = 4;
    static final int EVENT_EXIT = 6;
    static final int EVENT_SECCOMP = 7;
    static final int EVENT_STOP = 128;

    static final int SYSCALL_INFO_ENTRY = 1;
    static final int SYSCALL_INFO_EXIT = 2;
    static final int SYSCALL_INFO_SECCOMP = 3;

    static final int WUNTRACED = 2;
    static final int WNOHANG = 1;
    static final int __WNOTHREAD = 0x20000000;
    static final int __WALL = 0x40000000;

    static final int SIGKILL = 9;
    static final int SIGTRAP = 5;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;
    static final int SIGTSTP = 20;
    static final int SIGTTIN = 21;
    static final int SIGTTOU = 22;

    static final int NT_PRSTATUS = 1;
    static final int NT_ARM_SYSTEM_CALL = 0x404;

    static final int EINTR = 4;
    static final int ECHILD = 10;
    static final int ESRCH = 3;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EPERM = 1;
}
