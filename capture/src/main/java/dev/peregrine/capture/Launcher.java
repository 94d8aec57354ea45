package dev.peregrine.capture;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Starts the workload stopped and traced, with the seccomp filter in place, before its first
 * instruction. Runs on the tracer thread, which thereby becomes the workload's parent and
 * tracer: {@code posix_spawn} of the {@link LauncherStub} (no Java runs in the child), wait for
 * its self-stop, {@code PTRACE_SEIZE}, then {@code seccomp()} injected through the stub's own
 * system call instruction. {@code PR_SET_NO_NEW_PRIVS} is injected only when the kernel
 * refuses the filter without it (no {@code CAP_SYS_ADMIN}), so setuid binaries keep working
 * whenever they can.
 */
final class Launcher {
    private static final int MFD_CLOEXEC = 1;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0100, O_TRUNC = 01000;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int OPTIONS = Ptrace.O_EXITKILL | Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEFORK | Ptrace.O_TRACEVFORK
            | Ptrace.O_TRACECLONE | Ptrace.O_TRACEEXEC | Ptrace.O_TRACESECCOMP;

    /**
     * What the launch produced; {@code terminal} is the controlling terminal of a workload
     * started as its own job ({@link LaunchSpec.Group#OWN_GROUP}), whose foreground it holds when
     * the tracer held it (taken back when its main process ends), or null.
     */
    record Launched(int pid, ProcessInfo stub, boolean noNewPrivs, Terminal terminal) {
    }

    private final Arch arch;
    private final Arena arena;
    private final Registers regs;
    private final TraceeMemory memory;
    private final MemorySegment status;

    Launcher(Arch arch, Arena arena, Registers regs, TraceeMemory memory) {
        this.arch = arch;
        this.arena = arena;
        this.regs = regs;
        this.memory = memory;
        this.status = arena.allocate(JAVA_INT);
    }

    Launched launch(LaunchSpec spec) throws CaptureException {
        String exe = resolve(spec);
        Terminal terminal = null;
        LaunchSpec.Group group = spec.group();
        if (group == LaunchSpec.Group.OWN_GROUP || group == LaunchSpec.Group.OWN_JOB) {
            terminal = Terminal.controlling();
            if (group == LaunchSpec.Group.OWN_JOB) {
                group = terminal != null ? LaunchSpec.Group.OWN_GROUP : LaunchSpec.Group.OWN_SESSION;
            }
        }
        Launched l = null;
        try {
            l = launch(spec, exe, group, terminal);
            return l;
        } finally {
            if (terminal != null && (l == null || l.terminal() != terminal)) {
                terminal.close();
            }
        }
    }

    private Launched launch(LaunchSpec spec, String exe, LaunchSpec.Group group, Terminal terminal) throws CaptureException {
        byte[] image = LauncherStub.image(arch);
        // peregrine.capture.launcher=file forces the temp-file launcher (the fallback path).
        boolean memfdAllowed = !"file".equals(System.getProperty("peregrine.capture.launcher"));
        int memfd = memfdAllowed ? Libc.memfdCreate(arena.allocateFrom("peregrine-launcher"), MFD_CLOEXEC) : -1;
        Path stubFile = null;
        String stubPath;
        try {
            if (memfd >= 0) {
                MemorySegment bytes = arena.allocate(image.length);
                MemorySegment.copy(image, 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, image.length);
                if (Libc.write(memfd, bytes, image.length) != image.length) {
                    throw new CaptureException("cannot write the launcher to a memfd: errno " + Libc.errno());
                }
                stubPath = "/proc/self/fd/3";
            } else {
                // No memfd (very old kernel or a seccomp profile forbidding it): a private file.
                stubFile = writeStubFile(image);
                stubPath = stubFile.toString();
            }
            int pid = spawn(spec, exe, stubPath, memfd, group);
            if (pid < 0 && memfd >= 0) {
                // Executing the memfd was refused (an LSM or a seccomp profile): use a private file.
                stubFile = writeStubFile(image);
                pid = spawn(spec, exe, stubFile.toString(), -1, group);
            }
            if (pid < 0) {
                throw new CaptureException("posix_spawn of the launcher failed with errno " + -pid);
            }
            // The foreground is handed over while the launcher is stopped, so the workload's first
            // read of the terminal finds its group in the foreground.
            // Only a tracer that is a job of its own (leader of its process group, as a job-control
            // shell starts it) shares its terminal with the workload; one inside a larger job (a
            // script, a parent program) leaves the terminal to that job.
            return seize(pid, spec.trapSet(), group == LaunchSpec.Group.OWN_GROUP && terminal != null
                    && terminal.tracerLeadsItsGroup() ? terminal : null);
        } finally {
            if (memfd >= 0) {
                Libc.close(memfd);
            }
            if (stubFile != null) {
                try {
                    Files.deleteIfExists(stubFile);
                    Files.deleteIfExists(stubFile.getParent());
                } catch (IOException ignored) {
                    // a leftover launcher in the temp directory is harmless
                }
            }
        }
    }

    private static Path writeStubFile(byte[] image) throws CaptureException {
        try {
            Path dir = Files.createTempDirectory("peregrine-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("launcher");
            Files.write(file, image);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
            return file;
        } catch (IOException e) {
            throw new CaptureException("cannot write the launcher: " + e.getMessage(), e);
        }
    }

    /** The executable's path: as given when it has a slash, else the first match in PATH. */
    static String resolve(LaunchSpec spec) throws CaptureException {
        String name = spec.command().getFirst();
        if (name.contains("/")) {
            Path p = spec.workdir() != null ? spec.workdir().resolve(name) : Path.of(name);
            if (!Files.exists(p)) {
                throw new CaptureException("cannot run '" + name + "': no such file");
            }
            return name;
        }
        String path = spec.env().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new CaptureException("cannot run '" + name + "': not found in PATH=" + path);
    }

    /** The launcher's pid, or -errno when posix_spawn failed. */
    private int spawn(LaunchSpec spec, String exe, String stubPath, int memfd, LaunchSpec.Group group)
            throws CaptureException {
        List<String> argv = new ArrayList<>();
        argv.add("peregrine-launcher");
        argv.add(exe);
        argv.addAll(spec.command());
        List<String> envp = new ArrayList<>();
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            envp.add(e.getKey() + "=" + e.getValue());
        }
        MemorySegment actions = arena.allocate(256, 16);
        MemorySegment attr = arena.allocate(512, 16);
        MemorySegment mask = arena.allocate(128, 16);
        MemorySegment defaults = arena.allocate(128, 16);
        check(Libc.SpawnSetup.actionsInit(actions), "posix_spawn_file_actions_init");
        check(Libc.SpawnSetup.attrInit(attr), "posix_spawnattr_init");
        try {
            if (spec.stdin() != null) {
                check(Libc.SpawnSetup.addopen(actions, 0, arena.allocateFrom(spec.stdin().toString()), O_RDONLY, 0),
                        "addopen stdin");
            }
            if (spec.stdout() != null) {
                check(Libc.SpawnSetup.addopen(actions, 1, arena.allocateFrom(spec.stdout().toString()),
                        O_WRONLY | O_CREAT | O_TRUNC, 0644), "addopen stdout");
            }
            if (spec.stderr() != null) {
                check(Libc.SpawnSetup.addopen(actions, 2, arena.allocateFrom(spec.stderr().toString()),
                        O_WRONLY | O_CREAT | O_TRUNC, 0644), "addopen stderr");
            }
            if (memfd >= 0) {
                check(Libc.SpawnSetup.adddup2(actions, memfd, 3), "adddup2");
                check(Libc.SpawnSetup.addclosefrom(actions, 4), "addclosefrom");
            } else {
                check(Libc.SpawnSetup.addclosefrom(actions, 3), "addclosefrom");
            }
            if (spec.workdir() != null) {
                check(Libc.SpawnSetup.addchdir(actions, arena.allocateFrom(spec.workdir().toString())), "addchdir");
            }
            // The JVM blocks and handles signals the workload must see with default dispositions.
            short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
            switch (group) {
                case OWN_GROUP -> {
                    flags |= POSIX_SPAWN_SETPGROUP;
                    check(Libc.SpawnSetup.setpgroup(attr, 0), "setpgroup");
                }
                case OWN_SESSION -> flags |= POSIX_SPAWN_SETSID;
                default -> {
                }
            }
            check(Libc.SpawnSetup.setflags(attr, flags), "setflags");
            Libc.SpawnSetup.sigemptyset(mask);
            check(Libc.SpawnSetup.setsigmask(attr, mask), "setsigmask");
            Libc.SpawnSetup.sigfillset(defaults);
            check(Libc.SpawnSetup.setsigdefault(attr, defaults), "setsigdefault");
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            int rc = Libc.posixSpawn(pidOut, arena.allocateFrom(stubPath), actions, attr, strings(argv),
                    strings(envp));
            return rc != 0 ? -rc : pidOut.get(JAVA_INT, 0);
        } finally {
            Libc.SpawnSetup.actionsDestroy(actions);
            Libc.SpawnSetup.attrDestroy(attr);
        }
    }

    private MemorySegment strings(List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(int rc, String what) throws CaptureException {
        if (rc != 0) {
            throw new CaptureException(what + " failed with errno " + rc);
        }
    }

    private int waitStop(int pid) throws CaptureException {
        while (true) {
            int r = Libc.waitpid(pid, status, Ptrace.__WALL | Ptrace.WUNTRACED);
            if (r == pid) {
                return status.get(JAVA_INT, 0);
            }
            if (r < 0 && Libc.errno() != Ptrace.EINTR) {
                throw new CaptureException("waitpid on the launcher failed: errno " + Libc.errno());
            }
        }
    }

    private Launched seize(int pid, TrapSet trapSet, Terminal terminal) throws CaptureException {
        int st = waitStop(pid);
        if ((st & 0xff) != 0x7f || ((st >> 8) & 0xff) != Ptrace.SIGSTOP) {
            throw new CaptureException("the launcher did not stop itself (wait status 0x" + Integer.toHexString(st)
                    + "); is /proc mounted?");
        }
        if (Libc.ptrace(Ptrace.SEIZE, pid, 0, OPTIONS) != 0) {
            int errno = Libc.errno();
            Libc.kill(pid, Ptrace.SIGKILL);
            waitStop(pid);
            throw new CaptureException("ptrace(PTRACE_SEIZE) of the workload failed with errno " + errno
                    + (errno == Ptrace.EPERM ? " (EPERM): the agent needs CAP_SYS_PTRACE (ECS: linuxParameters."
                    + "capabilities.add SYS_PTRACE) or a permissive kernel.yama.ptrace_scope" : ""));
        }
        st = waitStop(pid); // the seize re-traps the stopped launcher: PTRACE_EVENT_STOP
        MemorySegment info = arena.allocate(128, 8);
        if (Libc.ptrace(Ptrace.GET_SYSCALL_INFO, pid, 88, info.address()) <= 0) {
            int errno = Libc.errno();
            Libc.kill(pid, Ptrace.SIGKILL);
            waitStop(pid);
            throw new CaptureException("PTRACE_GET_SYSCALL_INFO failed with errno " + errno
                    + ": the kernel is older than Linux 5.3, which capture requires");
        }
        ProcessInfo stub = ProcFs.snapshot(pid, Libc.getpid(), null);
        boolean nnp = installFilter(pid, trapSet);
        if (terminal != null && terminal.tracerInForeground()) {
            terminal.giveTo(pid);
        }
        Libc.kill(pid, Ptrace.SIGCONT);
        if (Libc.ptrace(Ptrace.CONT, pid, 0, 0) != 0) {
            int errno = Libc.errno();
            if (terminal != null) {
                terminal.takeBack();
            }
            throw new CaptureException("cannot resume the launcher: errno " + errno);
        }
        return new Launched(pid, stub, nnp, terminal);
    }

    /** Injects seccomp(), and prctl(NO_NEW_PRIVS) first only when the kernel demands it. */
    private boolean installFilter(int pid, TrapSet trapSet) throws CaptureException {
        if (!regs.load(pid)) {
            throw new CaptureException("cannot read the launcher's registers: errno " + Libc.errno());
        }
        byte[] saved = regs.save();
        long insn = regs.pc() - arch.syscallInsnLength();
        byte[] code = memory.read(pid, insn, arch.syscallInsnLength());
        boolean isSyscall = code != null && (arch == Arch.X86_64
                ? (code[0] == 0x0f && code[1] == 0x05)
                : (code[0] == 0x01 && code[1] == 0 && code[2] == 0 && code[3] == (byte) 0xd4));
        if (!isSyscall) {
            throw new CaptureException("the launcher stopped at an unexpected address 0x" + Long.toHexString(insn));
        }
        byte[] filter = SeccompFilter.toBytes(SeccompFilter.build(arch, trapSet));
        long scratch = (regs.sp() - 8192 - filter.length - 16) & ~15L;
        ByteBuffer prog = ByteBuffer.allocate(16 + filter.length).order(ByteOrder.nativeOrder());
        prog.putShort((short) (filter.length / 8)).putShort((short) 0).putInt(0).putLong(scratch + 16).put(filter);
        if (!memory.write(pid, scratch, prog.array())) {
            throw new CaptureException("cannot write the seccomp program into the launcher: errno " + Libc.errno());
        }
        int seccompNr = arch == Arch.X86_64 ? 317 : 277;
        int prctlNr = arch == Arch.X86_64 ? 157 : 167;
        boolean nnp = false;
        long r = inject(pid, saved, insn, seccompNr, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, scratch);
        if (r == -Ptrace.EINVAL) {
            r = inject(pid, saved, insn, seccompNr, SECCOMP_SET_MODE_FILTER, 0, scratch);
        }
        if (r == -Ptrace.EACCES) {
            long p = inject(pid, saved, insn, prctlNr, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if (p != 0) {
                throw new CaptureException("prctl(PR_SET_NO_NEW_PRIVS) failed in the launcher: " + p);
            }
            nnp = true;
            r = inject(pid, saved, insn, seccompNr, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, scratch);
            if (r == -Ptrace.EINVAL) {
                r = inject(pid, saved, insn, seccompNr, SECCOMP_SET_MODE_FILTER, 0, scratch);
            }
        }
        if (r != 0) {
            throw new CaptureException("installing the seccomp filter failed with " + r);
        }
        regs.restore(saved);
        if (!regs.store(pid)) {
            throw new CaptureException("cannot restore the launcher's registers: errno " + Libc.errno());
        }
        return nnp;
    }

    /** Runs one system call in the stopped launcher and returns its result. */
    private long inject(int pid, byte[] saved, long insn, long nr, long... args) throws CaptureException {
        regs.restore(saved);
        regs.setupCall(insn, nr, args);
        if (!regs.store(pid)) {
            throw new CaptureException("cannot set the launcher's registers: errno " + Libc.errno());
        }
        for (int step = 0; step < 2; step++) { // entry stop, then exit stop
            if (Libc.ptrace(Ptrace.SYSCALL, pid, 0, 0) != 0) {
                throw new CaptureException("PTRACE_SYSCALL on the launcher failed: errno " + Libc.errno());
            }
            int st = waitStop(pid);
            if ((st & 0xff) != 0x7f || ((st >> 8) & 0xff) != (Ptrace.SIGTRAP | 0x80)) {
                throw new CaptureException("unexpected stop 0x" + Integer.toHexString(st) + " while injecting");
            }
        }
        if (!regs.load(pid)) {
            throw new CaptureException("cannot read the injected call's result: errno " + Libc.errno());
        }
        return regs.ret();
    }
}
