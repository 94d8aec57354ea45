package dev.peregrine.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code evt.arg} rendering: the flag and enum names Falco prints. Flag sets are rendered
 * the way Falco's libsinsp does: walk the table in its order, print every name whose bits are
 * all set, and clear those bits (so {@code O_RDWR} hides {@code O_WRONLY} and
 * {@code O_RDONLY}).
 */
public final class Render {
    private Render() {
    }

    /** An ordered name table. */
    record Names(String[] names, long[] values) {
        static Names of(Object... pairs) {
            String[] n = new String[pairs.length / 2];
            long[] v = new long[pairs.length / 2];
            for (int i = 0; i < n.length; i++) {
                n[i] = (String) pairs[2 * i];
                v[i] = ((Number) pairs[2 * i + 1]).longValue();
            }
            return new Names(n, v);
        }

        String flags(long value) {
            StringBuilder sb = new StringBuilder();
            long rest = value;
            for (int i = 0; i < names.length; i++) {
                long f = values[i];
                if ((f == 0 && value == 0) || (f != 0 && (rest & f) == f)) {
                    if (!sb.isEmpty()) {
                        sb.append('|');
                    }
                    sb.append(names[i]);
                    rest &= ~f;
                }
            }
            return sb.toString();
        }

        String exact(long value) {
            for (int i = 0; i < names.length; i++) {
                if (values[i] == value) {
                    return names[i];
                }
            }
            return Long.toString(value);
        }
    }

    // Falco's own encoding of open flags (PPM_O_*), in the order libsinsp prints them.
    static final long PPM_O_RDONLY = 1, PPM_O_WRONLY = 1 << 1, PPM_O_RDWR = 3, PPM_O_CREAT = 1 << 2,
            PPM_O_APPEND = 1 << 3, PPM_O_DSYNC = 1 << 4, PPM_O_EXCL = 1 << 5, PPM_O_NONBLOCK = 1 << 6,
            PPM_O_SYNC = 1 << 7, PPM_O_TRUNC = 1 << 8, PPM_O_DIRECT = 1 << 9, PPM_O_DIRECTORY = 1 << 10,
            PPM_O_LARGEFILE = 1 << 11, PPM_O_CLOEXEC = 1 << 12, PPM_O_TMPFILE = 1 << 13;

    static final Names OPEN_FLAGS = Names.of(
            "O_LARGEFILE", PPM_O_LARGEFILE, "O_DIRECTORY", PPM_O_DIRECTORY, "O_DIRECT", PPM_O_DIRECT,
            "O_TRUNC", PPM_O_TRUNC, "O_SYNC", PPM_O_SYNC, "O_NONBLOCK", PPM_O_NONBLOCK, "O_EXCL", PPM_O_EXCL,
            "O_DSYNC", PPM_O_DSYNC, "O_APPEND", PPM_O_APPEND, "O_CREAT", PPM_O_CREAT, "O_RDWR", PPM_O_RDWR,
            "O_WRONLY", PPM_O_WRONLY, "O_RDONLY", PPM_O_RDONLY, "O_CLOEXEC", PPM_O_CLOEXEC, "O_NONE", 0,
            "O_TMPFILE", PPM_O_TMPFILE);

    /** Linux open-flag bits that differ between the architectures. */
    record OpenBits(long direct, long largefile, long directory, long nofollow) {
    }

    static final OpenBits X86_64_OPEN = new OpenBits(0x4000, 0x8000, 0x10000, 0x20000);
    static final OpenBits AARCH64_OPEN = new OpenBits(0x10000, 0x20000, 0x4000, 0x8000);

    /** The Linux value of {@code O_DIRECTORY} on {@code arch} (for pre-filters). */
    public static long oDirectory(Arch arch) {
        return (arch == Arch.X86_64 ? X86_64_OPEN : AARCH64_OPEN).directory();
    }

    /** Linux open flags to Falco's encoding ({@code evt.rawarg.flags}). */
    public static long openFlagsToFalco(Arch arch, long flags) {
        OpenBits bits = arch == Arch.X86_64 ? X86_64_OPEN : AARCH64_OPEN;
        long out = switch ((int) (flags & 3)) {
            case 0 -> PPM_O_RDONLY;
            case 1 -> PPM_O_WRONLY;
            default -> PPM_O_RDWR;
        };
        long tmpfile = 0x400000L | bits.directory();
        if ((flags & 0x40) != 0) out |= PPM_O_CREAT;
        if ((flags & 0x400) != 0) out |= PPM_O_APPEND;
        if ((flags & 0x1000) != 0) out |= PPM_O_DSYNC;
        if ((flags & 0x80) != 0) out |= PPM_O_EXCL;
        if ((flags & 0x800) != 0) out |= PPM_O_NONBLOCK;
        if ((flags & 0x101000) == 0x101000) out |= PPM_O_SYNC;
        if ((flags & 0x200) != 0) out |= PPM_O_TRUNC;
        if ((flags & bits.direct()) != 0) out |= PPM_O_DIRECT;
        if ((flags & tmpfile) == tmpfile) {
            out |= PPM_O_TMPFILE;
        } else if ((flags & bits.directory()) != 0) {
            out |= PPM_O_DIRECTORY;
        }
        if ((flags & bits.largefile()) != 0) out |= PPM_O_LARGEFILE;
        if ((flags & 0x80000) != 0) out |= PPM_O_CLOEXEC;
        return out;
    }

    static final Names MODE = Names.of("S_IXOTH", 01, "S_IWOTH", 02, "S_IROTH", 04, "S_IXGRP", 010, "S_IWGRP", 020,
            "S_IRGRP", 040, "S_IXUSR", 0100, "S_IWUSR", 0200, "S_IRUSR", 0400, "S_ISVTX", 01000, "S_ISGID", 02000,
            "S_ISUID", 04000);

    static final Names CLONE = Names.of("CLONE_FILES", 0x400, "CLONE_FS", 0x200, "CLONE_IO", 0x80000000L,
            "CLONE_NEWIPC", 0x8000000, "CLONE_NEWNET", 0x40000000, "CLONE_NEWNS", 0x20000, "CLONE_NEWPID", 0x20000000,
            "CLONE_NEWUTS", 0x4000000, "CLONE_PARENT", 0x8000, "CLONE_PARENT_SETTID", 0x100000, "CLONE_PTRACE", 0x2000,
            "CLONE_SETTLS", 0x80000, "CLONE_SIGHAND", 0x800, "CLONE_SYSVSEM", 0x40000, "CLONE_THREAD", 0x10000,
            "CLONE_UNTRACED", 0x800000, "CLONE_VM", 0x100, "CLONE_VFORK", 0x4000, "CLONE_NEWUSER", 0x10000000,
            "CLONE_CHILD_CLEARTID", 0x200000, "CLONE_CHILD_SETTID", 0x1000000, "CLONE_NEWCGROUP", 0x2000000,
            "CLONE_PIDFD", 0x1000);

    static final Names NS = Names.of("CLONE_FS", 0x200, "CLONE_FILES", 0x400, "CLONE_NEWNS", 0x20000,
            "CLONE_SYSVSEM", 0x40000, "CLONE_NEWUTS", 0x4000000, "CLONE_NEWIPC", 0x8000000, "CLONE_NEWUSER", 0x10000000,
            "CLONE_NEWPID", 0x20000000, "CLONE_NEWNET", 0x40000000, "CLONE_NEWCGROUP", 0x2000000, "CLONE_NEWTIME", 0x80);

    static final Names PTRACE = Names.of("PTRACE_TRACEME", 0, "PTRACE_PEEKTEXT", 1, "PTRACE_PEEKDATA", 2,
            "PTRACE_PEEKUSR", 3, "PTRACE_POKETEXT", 4, "PTRACE_POKEDATA", 5, "PTRACE_POKEUSR", 6, "PTRACE_CONT", 7,
            "PTRACE_KILL", 8, "PTRACE_SINGLESTEP", 9, "PTRACE_GETREGS", 12, "PTRACE_SETREGS", 13,
            "PTRACE_GETFPREGS", 14, "PTRACE_SETFPREGS", 15, "PTRACE_ATTACH", 16, "PTRACE_DETACH", 17,
            "PTRACE_GETFPXREGS", 18, "PTRACE_SETFPXREGS", 19, "PTRACE_SYSCALL", 24, "PTRACE_SYSEMU", 31,
            "PTRACE_SYSEMU_SINGLESTEP", 32, "PTRACE_SETOPTIONS", 0x4200, "PTRACE_GETEVENTMSG", 0x4201,
            "PTRACE_GETSIGINFO", 0x4202, "PTRACE_SETSIGINFO", 0x4203, "PTRACE_GETREGSET", 0x4204,
            "PTRACE_SETREGSET", 0x4205, "PTRACE_SEIZE", 0x4206, "PTRACE_INTERRUPT", 0x4207, "PTRACE_LISTEN", 0x4208,
            "PTRACE_PEEKSIGINFO", 0x4209, "PTRACE_GET_SYSCALL_INFO", 0x420e);

    static final Names BPF = Names.of("BPF_MAP_CREATE", 0, "BPF_MAP_LOOKUP_ELEM", 1, "BPF_MAP_UPDATE_ELEM", 2,
            "BPF_MAP_DELETE_ELEM", 3, "BPF_MAP_GET_NEXT_KEY", 4, "BPF_PROG_LOAD", 5, "BPF_OBJ_PIN", 6, "BPF_OBJ_GET", 7,
            "BPF_PROG_ATTACH", 8, "BPF_PROG_DETACH", 9, "BPF_PROG_TEST_RUN", 10, "BPF_PROG_GET_NEXT_ID", 11,
            "BPF_MAP_GET_NEXT_ID", 12, "BPF_PROG_GET_FD_BY_ID", 13, "BPF_MAP_GET_FD_BY_ID", 14,
            "BPF_OBJ_GET_INFO_BY_FD", 15, "BPF_PROG_QUERY", 16, "BPF_RAW_TRACEPOINT_OPEN", 17, "BPF_BTF_LOAD", 18,
            "BPF_BTF_GET_FD_BY_ID", 19, "BPF_TASK_FD_QUERY", 20, "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21,
            "BPF_MAP_FREEZE", 22, "BPF_BTF_GET_NEXT_ID", 23, "BPF_LINK_CREATE", 28);

    static final Names DOMAIN = Names.of("AF_UNSPEC", 0, "AF_UNIX", 1, "AF_INET", 2, "AF_AX25", 3, "AF_IPX", 4,
            "AF_APPLETALK", 5, "AF_NETROM", 6, "AF_BRIDGE", 7, "AF_ATMPVC", 8, "AF_X25", 9, "AF_INET6", 10,
            "AF_ROSE", 11, "AF_DECnet", 12, "AF_NETBEUI", 13, "AF_SECURITY", 14, "AF_KEY", 15, "AF_NETLINK", 16,
            "AF_PACKET", 17, "AF_ASH", 18, "AF_ECONET", 19, "AF_ATMSVC", 20, "AF_RDS", 21, "AF_SNA", 22, "AF_IRDA", 23,
            "AF_PPPOX", 24, "AF_WANPIPE", 25, "AF_LLC", 26, "AF_IB", 27, "AF_MPLS", 28, "AF_CAN", 29, "AF_TIPC", 30,
            "AF_BLUETOOTH", 31, "AF_IUCV", 32, "AF_RXRPC", 33, "AF_ISDN", 34, "AF_PHONET", 35, "AF_IEEE802154", 36,
            "AF_CAIF", 37, "AF_ALG", 38, "AF_NFC", 39, "AF_VSOCK", 40, "AF_KCM", 41, "AF_QIPCRTR", 42, "AF_SMC", 43,
            "AF_XDP", 44);

    static final Names SOCK_TYPE = Names.of("SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_RAW", 3, "SOCK_RDM", 4,
            "SOCK_SEQPACKET", 5, "SOCK_DCCP", 6, "SOCK_PACKET", 10);

    static final Names SIGNALS = Names.of("SIGHUP", 1, "SIGINT", 2, "SIGQUIT", 3, "SIGILL", 4, "SIGTRAP", 5,
            "SIGABRT", 6, "SIGBUS", 7, "SIGFPE", 8, "SIGKILL", 9, "SIGUSR1", 10, "SIGSEGV", 11, "SIGUSR2", 12,
            "SIGPIPE", 13, "SIGALRM", 14, "SIGTERM", 15, "SIGSTKFLT", 16, "SIGCHLD", 17, "SIGCONT", 18, "SIGSTOP", 19,
            "SIGTSTP", 20, "SIGTTIN", 21, "SIGTTOU", 22, "SIGURG", 23, "SIGXCPU", 24, "SIGXFSZ", 25, "SIGVTALRM", 26,
            "SIGPROF", 27, "SIGWINCH", 28, "SIGIO", 29, "SIGPWR", 30, "SIGSYS", 31);

    static final Names AT = Names.of("AT_SYMLINK_NOFOLLOW", 0x100, "AT_REMOVEDIR", 0x200, "AT_SYMLINK_FOLLOW", 0x400,
            "AT_EMPTY_PATH", 0x1000);

    static final Names RENAME = Names.of("RENAME_NOREPLACE", 1, "RENAME_EXCHANGE", 2, "RENAME_WHITEOUT", 4);

    static final Names MEMFD = Names.of("MFD_CLOEXEC", 1, "MFD_ALLOW_SEALING", 2, "MFD_HUGETLB", 4,
            "MFD_NOEXEC_SEAL", 8, "MFD_EXEC", 0x10);

    static final Names MOUNT = Names.of("MS_RDONLY", 1, "MS_NOSUID", 2, "MS_NODEV", 4, "MS_NOEXEC", 8,
            "MS_SYNCHRONOUS", 16, "MS_REMOUNT", 32, "MS_MANDLOCK", 64, "MS_DIRSYNC", 128, "MS_NOATIME", 1024,
            "MS_NODIRATIME", 2048, "MS_BIND", 4096, "MS_MOVE", 8192, "MS_REC", 16384, "MS_SILENT", 32768,
            "MS_POSIXACL", 1 << 16, "MS_UNBINDABLE", 1 << 17, "MS_PRIVATE", 1 << 18, "MS_SLAVE", 1 << 19,
            "MS_SHARED", 1 << 20, "MS_RELATIME", 1 << 21, "MS_KERNMOUNT", 1 << 22, "MS_I_VERSION", 1 << 23,
            "MS_STRICTATIME", 1 << 24, "MS_LAZYTIME", 1 << 25);

    /** Falco's exe flags of a successful exec (PPM_EXE_*). */
    static final long EXE_WRITABLE = 1, EXE_UPPER_LAYER = 2, EXE_FROM_MEMFD = 4, EXE_LOWER_LAYER = 8;
    static final Names EXE_FLAGS = Names.of("EXE_WRITABLE", EXE_WRITABLE, "EXE_UPPER_LAYER", EXE_UPPER_LAYER,
            "EXE_FROM_MEMFD", EXE_FROM_MEMFD, "EXE_LOWER_LAYER", EXE_LOWER_LAYER);

    static final Names FD_FLAGS = Names.of("O_NONBLOCK", 0x800, "O_CLOEXEC", 0x80000);

    /** Signal name for {@code sig}, or its number. */
    public static String signal(long sig) {
        return SIGNALS.exact(sig);
    }

    static String socketType(long type) {
        String base = SOCK_TYPE.exact(type & 0xf);
        StringBuilder sb = new StringBuilder(base);
        if ((type & 0x800) != 0) sb.append("|SOCK_NONBLOCK");
        if ((type & 0x80000) != 0) sb.append("|SOCK_CLOEXEC");
        return sb.toString();
    }

    /**
     * The entries of /etc/passwd or /etc/group by id, reloaded when the file changes (checked at
     * most once a second).
     */
    static final class IdNames {
        private final Path file;
        private FileTime loaded;
        private Map<Long, String[]> names = Map.of();
        private long checkedAt;

        IdNames(Path file) {
            this.file = file;
        }

        /** The entry's name (its first field), or null. */
        String name(long id) {
            return field(id, 0);
        }

        /** Field {@code index} of the first entry for {@code id} (passwd: 5 home, 6 shell), or null. */
        synchronized String field(long id, int index) {
            String[] e = entry(id);
            return e != null && index < e.length ? e[index] : null;
        }

        private String[] entry(long id) {
            long now = System.nanoTime();
            if (loaded != null && now - checkedAt < 1_000_000_000L) {
                return names.get(id); // looked at the file less than a second ago
            }
            checkedAt = now;
            try {
                FileTime mtime = Files.getLastModifiedTime(file);
                if (!mtime.equals(loaded)) {
                    Map<Long, String[]> fresh = new HashMap<>();
                    for (String line : Files.readAllLines(file)) {
                        String[] f = line.split(":", -1);
                        if (f.length > 2) {
                            try {
                                fresh.putIfAbsent(Long.parseLong(f[2]), f);
                            } catch (NumberFormatException ignored) {
                                // a malformed line names nobody
                            }
                        }
                    }
                    names = fresh;
                    loaded = mtime;
                }
            } catch (IOException e) {
                names = Map.of();
            }
            return names.get(id);
        }
    }

    static final IdNames USERS = new IdNames(Path.of("/etc/passwd"));
    static final IdNames GROUPS = new IdNames(Path.of("/etc/group"));

    /** The home directory of {@code uid} from the container's /etc/passwd ({@code user.homedir}), or null. */
    public static String userHome(long uid) {
        return USERS.field(uid, 5);
    }

    /** The login shell of {@code uid} from the container's /etc/passwd ({@code user.shell}), or null. */
    public static String userShell(long uid) {
        return USERS.field(uid, 6);
    }

    /** The user name of {@code uid} from /etc/passwd, or the number ({@code user.name}). */
    public static String userName(long uid) {
        String n = USERS.name(uid);
        return n != null ? n : Long.toString(uid);
    }

    /** The group name of {@code gid} from /etc/group, or the number. */
    public static String groupName(long gid) {
        String n = GROUPS.name(gid);
        return n != null ? n : Long.toString(gid);
    }
}
