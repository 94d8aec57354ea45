package dev.peregrine.capture;

import dev.peregrine.capture.Syscall.Arg;
import dev.peregrine.capture.Syscall.Effect;
import dev.peregrine.capture.Syscall.Result;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.peregrine.capture.ArgType.*;
import static dev.peregrine.capture.Syscall.ABSENT;

/**
 * The one system-call table. Numbers are from the kernel's {@code asm/unistd_64.h} (x86_64)
 * and {@code asm-generic/unistd.h} (aarch64); parameter names follow Falco's event table so
 * that {@code evt.arg.NAME} in rules finds them.
 */
public final class SyscallTable {
    private static final Map<String, Syscall> BY_NAME = new LinkedHashMap<>();

    static {
        // Process lifecycle. Successful exec and clone are reported through ptrace events;
        // trapping them adds the arguments (argv of a failed exec, clone flags).
        add("execve", 59, 221, Result.STATUS, Effect.EXEC, a("filename", PATH, 0), a("args", ARGV, 1));
        add("execveat", 322, 281, Result.STATUS, Effect.EXEC,
                a("dirfd", DIRFD, 0), a("pathname", PATH, 1), a("args", ARGV, 2), a("flags", AT_FLAGS, 4));
        add("clone", 56, 220, Result.PID, Effect.CLONE, a("flags", CLONE_FLAGS, 0));
        add("clone3", 435, 435, Result.PID, Effect.CLONE, a("cl_args", PTR, 0), a("size", SIZE, 1));
        add("fork", 57, ABSENT, Result.PID, Effect.CLONE);
        add("vfork", 58, ABSENT, Result.PID, Effect.CLONE);
        addNoExit("exit_group", 231, 94, Effect.EXIT, a("status", INT, 0));
        add("chdir", 80, 49, Result.STATUS, Effect.CHDIR, a("path", PATH, 0));
        add("fchdir", 81, 50, Result.STATUS, Effect.CHDIR, a("fd", FD, 0));
        add("chroot", 161, 51, Result.STATUS, Effect.NONE, a("path", PATH, 0));

        // Files.
        add("open", 2, ABSENT, Result.FD, Effect.NONE, a("name", PATH, 0), a("flags", OPEN_FLAGS, 1), a("mode", MODE, 2));
        add("openat", 257, 56, Result.FD, Effect.NONE,
                a("dirfd", DIRFD, 0), a("name", PATH, 1), a("flags", OPEN_FLAGS, 2), a("mode", MODE, 3));
        add("openat2", 437, 437, Result.FD, Effect.NONE,
                a("dirfd", DIRFD, 0), a("name", PATH, 1), a("how", OPEN_HOW, 2));
        add("creat", 85, ABSENT, Result.FD, Effect.NONE, a("name", PATH, 0), a("mode", MODE, 1));
        add("memfd_create", 319, 279, Result.FD, Effect.NONE, a("name", STRING, 0), a("flags", MEMFD_FLAGS, 1));
        add("close", 3, 57, Result.STATUS, Effect.NONE, a("fd", FD, 0));
        add("dup", 32, 23, Result.DUPLICATE, Effect.NONE, a("oldfd", FD, 0));
        add("dup2", 33, ABSENT, Result.DUPLICATE, Effect.NONE, a("oldfd", FD, 0), a("newfd", INT, 1));
        add("dup3", 292, 24, Result.DUPLICATE, Effect.NONE, a("oldfd", FD, 0), a("newfd", INT, 1), a("flags", FD_FLAGS, 2));
        add("symlink", 88, ABSENT, Result.STATUS, Effect.NONE, a("target", PATH, 0), a("linkpath", PATH, 1));
        add("symlinkat", 266, 36, Result.STATUS, Effect.NONE,
                a("target", PATH, 0), a("linkdirfd", DIRFD, 1), a("linkpath", PATH, 2));
        add("link", 86, ABSENT, Result.STATUS, Effect.NONE, a("oldpath", PATH, 0), a("newpath", PATH, 1));
        add("linkat", 265, 37, Result.STATUS, Effect.NONE, a("olddir", DIRFD, 0), a("oldpath", PATH, 1),
                a("newdir", DIRFD, 2), a("newpath", PATH, 3), a("flags", AT_FLAGS, 4));
        add("unlink", 87, ABSENT, Result.STATUS, Effect.NONE, a("path", PATH, 0));
        add("unlinkat", 263, 35, Result.STATUS, Effect.NONE, a("dirfd", DIRFD, 0), a("name", PATH, 1), a("flags", AT_FLAGS, 2));
        add("rename", 82, ABSENT, Result.STATUS, Effect.NONE, a("oldpath", PATH, 0), a("newpath", PATH, 1));
        add("renameat", 264, 38, Result.STATUS, Effect.NONE, a("olddirfd", DIRFD, 0), a("oldpath", PATH, 1),
                a("newdirfd", DIRFD, 2), a("newpath", PATH, 3));
        add("renameat2", 316, 276, Result.STATUS, Effect.NONE, a("olddirfd", DIRFD, 0), a("oldpath", PATH, 1),
                a("newdirfd", DIRFD, 2), a("newpath", PATH, 3), a("flags", RENAME_FLAGS, 4));
        add("mkdir", 83, ABSENT, Result.STATUS, Effect.NONE, a("path", PATH, 0), a("mode", MODE, 1));
        add("mkdirat", 258, 34, Result.STATUS, Effect.NONE, a("dirfd", DIRFD, 0), a("path", PATH, 1), a("mode", MODE, 2));
        add("rmdir", 84, ABSENT, Result.STATUS, Effect.NONE, a("path", PATH, 0));
        add("chmod", 90, ABSENT, Result.STATUS, Effect.NONE, a("filename", PATH, 0), a("mode", MODE, 1));
        add("fchmod", 91, 52, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("mode", MODE, 1));
        add("fchmodat", 268, 53, Result.STATUS, Effect.NONE, a("dirfd", DIRFD, 0), a("filename", PATH, 1), a("mode", MODE, 2));
        add("fchmodat2", 452, 452, Result.STATUS, Effect.NONE, a("dirfd", DIRFD, 0), a("filename", PATH, 1),
                a("mode", MODE, 2), a("flags", AT_FLAGS, 3));
        add("chown", 92, ABSENT, Result.STATUS, Effect.NONE, a("path", PATH, 0), a("uid", UID, 1), a("gid", GID, 2));
        add("lchown", 94, ABSENT, Result.STATUS, Effect.NONE, a("path", PATH, 0), a("uid", UID, 1), a("gid", GID, 2));
        add("fchown", 93, 55, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("uid", UID, 1), a("gid", GID, 2));
        add("fchownat", 260, 54, Result.STATUS, Effect.NONE, a("dirfd", DIRFD, 0), a("pathname", PATH, 1),
                a("uid", UID, 2), a("gid", GID, 3), a("flags", AT_FLAGS, 4));
        add("mount", 165, 40, Result.STATUS, Effect.NONE, a("dev", PATH, 0), a("dir", PATH, 1), a("type", STRING, 2),
                a("flags", MOUNT_FLAGS, 3));
        add("umount2", 166, 39, Result.STATUS, Effect.NONE, a("name", PATH, 0), a("flags", INT, 1));

        // Network.
        add("socket", 41, 198, Result.FD, Effect.NONE, a("domain", SOCKET_DOMAIN, 0), a("type", SOCKET_TYPE, 1), a("proto", INT, 2));
        add("connect", 42, 203, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("addr", SOCKADDR, 1));
        add("accept", 43, 202, Result.FD, Effect.NONE, a("fd", FD, 0));
        add("accept4", 288, 242, Result.FD, Effect.NONE, a("fd", FD, 0), a("flags", FD_FLAGS, 3));
        add("bind", 49, 200, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("addr", SOCKADDR, 1));
        add("listen", 50, 201, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("backlog", INT, 1));
        add("sendto", 44, 206, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("size", SIZE, 2), a("tuple", SOCKADDR, 4));
        add("sendmsg", 46, 211, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("msg", PTR, 1));

        // Credentials, namespaces, privileged operations.
        add("setuid", 105, 146, Result.STATUS, Effect.CREDENTIALS, a("uid", UID, 0));
        add("setgid", 106, 144, Result.STATUS, Effect.CREDENTIALS, a("gid", GID, 0));
        add("setreuid", 113, 145, Result.STATUS, Effect.CREDENTIALS, a("ruid", UID, 0), a("euid", UID, 1));
        add("setregid", 114, 143, Result.STATUS, Effect.CREDENTIALS, a("rgid", GID, 0), a("egid", GID, 1));
        add("setresuid", 117, 147, Result.STATUS, Effect.CREDENTIALS, a("ruid", UID, 0), a("euid", UID, 1), a("suid", UID, 2));
        add("setresgid", 119, 149, Result.STATUS, Effect.CREDENTIALS, a("rgid", GID, 0), a("egid", GID, 1), a("sgid", GID, 2));
        add("setfsuid", 122, 151, Result.STATUS, Effect.CREDENTIALS, a("uid", UID, 0));
        add("setfsgid", 123, 152, Result.STATUS, Effect.CREDENTIALS, a("gid", GID, 0));
        add("setpgid", 109, 154, Result.STATUS, Effect.PROCESS_GROUP, a("pid", PID, 0), a("pgid", PID, 1));
        add("setsid", 112, 157, Result.PID, Effect.PROCESS_GROUP);
        add("capset", 126, 91, Result.STATUS, Effect.CREDENTIALS, a("header", PTR, 0), a("data", PTR, 1));
        add("setns", 308, 268, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("nstype", NS_FLAGS, 1));
        add("unshare", 272, 97, Result.STATUS, Effect.NONE, a("flags", NS_FLAGS, 0));
        add("ptrace", 101, 117, Result.STATUS, Effect.NONE, a("request", PTRACE_REQUEST, 0), a("pid", PID, 1),
                a("addr", PTR, 2), a("data", PTR, 3));
        add("init_module", 175, 105, Result.STATUS, Effect.NONE, a("img", PTR, 0), a("length", SIZE, 1), a("uargs", STRING, 2));
        add("finit_module", 313, 273, Result.STATUS, Effect.NONE, a("fd", FD, 0), a("uargs", STRING, 1), a("flags", INT, 2));
        add("delete_module", 176, 106, Result.STATUS, Effect.NONE, a("name", STRING, 0), a("flags", INT, 1));
        add("bpf", 321, 280, Result.FD, Effect.NONE, a("cmd", BPF_CMD, 0));
        add("userfaultfd", 323, 282, Result.FD, Effect.NONE, a("flags", FD_FLAGS, 0));
        add("kill", 62, 129, Result.STATUS, Effect.NONE, a("pid", PID, 0), a("sig", SIGNAL, 1));
        add("tkill", 200, 130, Result.STATUS, Effect.NONE, a("tid", PID, 0), a("sig", SIGNAL, 1));
        add("tgkill", 234, 131, Result.STATUS, Effect.NONE, a("pid", PID, 0), a("tid", PID, 1), a("sig", SIGNAL, 2));
        add("process_vm_writev", 311, 271, Result.STATUS, Effect.NONE, a("pid", PID, 0));
        add("pivot_root", 155, 41, Result.STATUS, Effect.NONE, a("new_root", PATH, 0), a("put_old", PATH, 1));
    }

    /**
     * What process-state keeping needs trapped whatever the rules ask for: exec to refresh
     * the process image, chdir for cwd, the credential calls for user fields, setsid and
     * setpgid for session and process group.
     */
    public static final List<String> STATE_KEEPING = List.of(
            "execve", "execveat", "chdir", "fchdir", "setuid", "setgid", "setreuid", "setregid",
            "setresuid", "setresgid", "setfsuid", "setfsgid", "capset", "setsid", "setpgid");

    /** The default set of {@code peregrine trace}: everything in the table. */
    public static final List<String> DEFAULT_TRACE = List.copyOf(BY_NAME.keySet());

    private SyscallTable() {
    }

    private static Arg a(String name, ArgType type, int index) {
        return new Arg(name, type, index);
    }

    private static void add(String name, int x86, int arm, Result result, Effect effect, Arg... args) {
        put(new Syscall(name, x86, arm, result, List.of(args), effect, true));
    }

    private static void addNoExit(String name, int x86, int arm, Effect effect, Arg... args) {
        put(new Syscall(name, x86, arm, Result.NONE, List.of(args), effect, false));
    }

    private static void put(Syscall syscall) {
        if (BY_NAME.put(syscall.name(), syscall) != null) {
            throw new IllegalStateException("duplicate syscall row " + syscall.name());
        }
    }

    /** Every row. */
    public static Collection<Syscall> all() {
        return BY_NAME.values();
    }

    /** The row called {@code name}. */
    public static Optional<Syscall> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The row called {@code name}, or an error listing what the table knows. */
    public static Syscall require(String name) {
        return byName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown system call '" + name + "'; known: " + String.join(", ", BY_NAME.keySet())));
    }

    /** Rows indexed by their number on {@code arch}; calls absent there are left out. */
    public static Syscall[] byNumber(Arch arch) {
        int max = 0;
        for (Syscall s : BY_NAME.values()) {
            max = Math.max(max, s.number(arch));
        }
        Syscall[] index = new Syscall[max + 1];
        for (Syscall s : BY_NAME.values()) {
            if (s.existsOn(arch)) {
                index[s.number(arch)] = s;
            }
        }
        return index;
    }

    /** Names parsed from a comma-separated list; unknown names are an error naming them. */
    public static List<Syscall> parseList(String list) {
        List<Syscall> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                out.add(require(name));
            }
        }
        return out;
    }
}
