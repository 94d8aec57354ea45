package dev.peregrine.capture;

/**
 * How a system-call argument is read from the tracee and rendered as Falco's {@code evt.arg.X}.
 * The raw value ({@code evt.rawarg.X}) is the register value, except for flag sets Falco
 * re-encodes (open flags), where it is Falco's encoding, and for memory arguments (paths,
 * socket addresses, argv), where it is the decoded text.
 */
public enum ArgType {
    /** Plain signed integer. */
    INT,
    /** Unsigned size or count. */
    SIZE,
    /** A file descriptor, rendered with its resolved name when known: {@code 3(<f>/etc/passwd)}. */
    FD,
    /** A directory file descriptor of the {@code *at} calls; {@code -100} is {@code AT_FDCWD}. */
    DIRFD,
    /** A NUL-terminated path in tracee memory. */
    PATH,
    /** A NUL-terminated string in tracee memory that is not a path (a memfd name, a fs type). */
    STRING,
    /** {@code open(2)} flags, re-encoded and named the way Falco does. */
    OPEN_FLAGS,
    /** A pointer to {@code struct open_how}; decoded into the flags, mode and resolve params. */
    OPEN_HOW,
    /** A file mode, rendered as {@code S_I*} names. */
    MODE,
    /** A {@code struct sockaddr *}; its length is the next argument. */
    SOCKADDR,
    /** A user id, rendered as the user name from {@code /etc/passwd} when it has one. */
    UID,
    /** A group id, rendered as the group name from {@code /etc/group} when it has one. */
    GID,
    /** A process or thread id. */
    PID,
    /** A signal number, rendered as {@code SIGTERM} etc. */
    SIGNAL,
    /** {@code clone(2)} flags, rendered as {@code CLONE_*} names. */
    CLONE_FLAGS,
    /** {@code unshare}/{@code setns} namespace flags, rendered as {@code CLONE_NEW*} names. */
    NS_FLAGS,
    /** A NULL-terminated array of string pointers (argv). */
    ARGV,
    /** A {@code ptrace(2)} request, rendered as {@code PTRACE_*}. */
    PTRACE_REQUEST,
    /** A {@code bpf(2)} command, rendered as {@code BPF_*}. */
    BPF_CMD,
    /** A socket address family, rendered as {@code AF_*}. */
    SOCKET_DOMAIN,
    /** A socket type with its flags, rendered as {@code SOCK_*}. */
    SOCKET_TYPE,
    /** {@code AT_*} flags of the {@code *at} calls. */
    AT_FLAGS,
    /** {@code renameat2(2)} flags. */
    RENAME_FLAGS,
    /** {@code memfd_create(2)} flags. */
    MEMFD_FLAGS,
    /** {@code mount(2)} flags. */
    MOUNT_FLAGS,
    /** {@code accept4}/{@code dup3}/{@code socket} style {@code O_CLOEXEC|O_NONBLOCK} flags. */
    FD_FLAGS,
    /** An opaque pointer, rendered in hex. */
    PTR;

    /** True when decoding needs to read tracee memory. */
    public boolean readsMemory() {
        return switch (this) {
            case PATH, STRING, OPEN_HOW, SOCKADDR, ARGV -> true;
            default -> false;
        };
    }
}
