package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The stop loop. Owns every ptrace call and {@code waitpid(-1, __WALL|__WNOTHREAD)}; must run
 * on the one platform thread that launched the workload. Copies what a stop carries, resumes
 * the tracee, and hands records to {@code sink}.
 */
final class Tracer {
    private static final long CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000;
    private static final int SIGCHLD = 17;

    /** One traced thread. */
    private static final class Task {
        final int tid;
        Proc proc;
        Pending pending;
        boolean started;

        Task(int tid, Proc proc) {
            this.tid = tid;
            this.proc = proc;
        }
    }

    /** One traced process (thread group); {@code info} is replaced, never mutated. */
    private static final class Proc {
        final int pid;
        ProcessInfo info;

        Proc(int pid, ProcessInfo info) {
            this.pid = pid;
            this.info = info;
        }
    }

    /** A call seen at its seccomp stop whose exit stop is awaited. */
    private record Pending(Syscall syscall, String abi, long nr, long[] args, List<Param> params, Verdict verdict,
                           long time, FdInfo argFd, FdInfo opened) {
    }

    private final Arch arch;
    private final TrapSet trapSet;
    private final SyscallHook hook;
    private final SyscallExitHook exitHook;
    /** By native number: whether the exit hook wants this call's exit stop. */
    private final boolean[] exitHooked;
    private final Consumer<List<Event>> sink;
    /** Events not yet handed over: flushed before the tracer waits for the next stop. */
    private List<Event> batch = new java.util.ArrayList<>();
    private static final int MAX_BATCH = 512;
    private final Syscall[] byNumber;
    private final Registers regs;
    private final TraceeMemory memory;
    private final Decoder decoder;
    private final MemorySegment status;
    private final MemorySegment info;
    private final MemorySegment msg;
    /** Concurrent only so that the pinning watcher can list the tids; every change is on this thread. */
    private final Map<Integer, Task> tasks = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, Proc> procs = new HashMap<>();
    private long seq;
    private int mainPid;
    private final java.util.Set<Integer> zombies = new java.util.HashSet<>();
    private ExitStatus mainStatus;
    /** Told once, on the tracer thread, when the main process has ended. */
    Consumer<ExitStatus> mainExitListener = s -> { };
    /** The terminal of a workload started as its own job, or null. */
    Terminal jobTerminal;
    /** Read by the pinning watcher. */
    volatile long stops;

    Tracer(Arch arch, Arena arena, TrapSet trapSet, SyscallHook hook, Consumer<List<Event>> sink) {
        this(arch, arena, trapSet, hook, SyscallExitHook.NONE, sink);
    }

    Tracer(Arch arch, Arena arena, TrapSet trapSet, SyscallHook hook, SyscallExitHook exitHook,
           Consumer<List<Event>> sink) {
        this.arch = arch;
        this.trapSet = trapSet;
        this.hook = hook;
        this.exitHook = exitHook;
        this.sink = sink;
        this.byNumber = SyscallTable.byNumber(arch);
        this.exitHooked = new boolean[byNumber.length];
        for (Syscall s : exitHook.syscalls()) {
            int nr = arch == Arch.X86_64 ? s.x86_64() : s.aarch64();
            if (nr >= 0 && nr < exitHooked.length) {
                exitHooked[nr] = true;
            }
        }
        this.regs = new Registers(arch, arena);
        this.memory = new TraceeMemory(arena);
        this.decoder = new Decoder(arch, memory);
        this.status = arena.allocate(JAVA_INT);
        this.info = arena.allocate(128, 8);
        this.msg = arena.allocate(JAVA_LONG);
    }

    Registers registers() {
        return regs;
    }

    TraceeMemory memory() {
        return memory;
    }

    /** Registers the launched workload; it is running, traced and filtered. */
    void adopt(Launcher.Launched launched) {
        mainPid = launched.pid();
        Proc p = new Proc(launched.pid(), launched.stub());
        procs.put(p.pid, p);
        Task t = new Task(launched.pid(), p);
        t.started = true;
        tasks.put(t.tid, t);
    }

    /** Runs until no traced thread is left; returns the main process's status. */
    ExitStatus loop() {
        while (true) {
            flush(); // costs no system call: the pipe is a lock-free queue
            int tid = Libc.waitpid(-1, status, Ptrace.__WALL | Ptrace.__WNOTHREAD);
            if (tid < 0) {
                int errno = Libc.errno();
                if (errno == Ptrace.EINTR) {
                    continue;
                }
                break; // ECHILD: nothing left to wait for
            }
            stops++;
            int st = status.get(JAVA_INT, 0);
            if ((st & 0x7f) == 0 || ((st & 0x7f) != 0x7f && (st & 0xff) != 0)) {
                gone(tid, st);
                continue;
            }
            if ((st & 0xff) != 0x7f) {
                continue;
            }
            try {
                handleStop(tid, st);
            } catch (RuntimeException e) {
                // One bad stop must not wedge the workload: log it and let the thread run on.
                System.getLogger("dev.peregrine.capture").log(System.Logger.Level.WARNING,
                        "handling a stop of thread " + tid + " failed; resuming it", e);
                Task t = tasks.get(tid);
                if (t != null) {
                    t.pending = null;
                }
                Libc.ptrace(Ptrace.CONT, tid, 0, 0);
            }
        }
        flush();
        reapOrphanedZombies();
        if (mainStatus == null) {
            mainStatus = new ExitStatus(0, Ptrace.SIGKILL, false);
        }
        return mainStatus;
    }

    /**
     * A workload process that ended before its parent reaped it stays a zombie of that parent;
     * when the parent ends without reaping it, the kernel hands the zombie to the agent (PID 1
     * or subreaper), as a child of the JVM's main thread, where the tracer thread's
     * {@code waitpid(__WNOTHREAD)} does not see it. Such zombies are remembered and reaped by
     * pid (only pids the tracer saw exit: never a child the JVM started itself).
     */
    private void reapOrphanedZombies() {
        if (zombies.isEmpty()) {
            return;
        }
        int self = Libc.getpid();
        for (java.util.Iterator<Integer> it = zombies.iterator(); it.hasNext(); ) {
            int pid = it.next();
            String[] stat = ProcFs.stat(pid); // one read: state and parent
            if (stat == null || !stat[0].equals("Z")) {
                it.remove(); // reaped by its parent
            } else if (Integer.parseInt(stat[1]) == self && Libc.waitpid(pid, status, Ptrace.WNOHANG | Ptrace.__WALL) == pid) {
                it.remove();
            }
        }
    }

    private void handleStop(int tid, int st) {
        int sig = (st >> 8) & 0xff;
        int event = (st >> 16) & 0xff;
        Task t = tasks.get(tid);
        if (t == null) {
            t = adoptUnknown(tid);
        }
        if (sig == (Ptrace.SIGTRAP | 0x80)) {
            syscallExit(t);
        } else if (event == Ptrace.EVENT_SECCOMP) {
            seccompStop(t);
        } else if (event == Ptrace.EVENT_FORK || event == Ptrace.EVENT_VFORK || event == Ptrace.EVENT_CLONE) {
            cloned(t, event);
        } else if (event == Ptrace.EVENT_EXEC) {
            t = exec(t);
            resume(t, 0);
        } else if (event == Ptrace.EVENT_STOP) {
            if (sig == Ptrace.SIGSTOP || sig == Ptrace.SIGTSTP || sig == Ptrace.SIGTTIN || sig == Ptrace.SIGTTOU) {
                // Group-stop: stay stopped (job control works) until SIGCONT.
                Libc.ptrace(Ptrace.LISTEN, tid, 0, 0);
                if (tid == mainPid && jobTerminal != null) {
                    // The shell's job is the agent: it stops with the workload, continues it after fg/bg.
                    flush();
                    jobTerminal.suspendJob(mainPid, sig);
                }
            } else {
                t.started = true;
                resume(t, 0);
            }
        } else if (event != 0) {
            resume(t, 0);
        } else {
            // Signal-delivery-stop: deliver the signal.
            resume(t, sig);
        }
    }

    private void resume(Task t, int sig) {
        Libc.ptrace(t.pending != null ? Ptrace.SYSCALL : Ptrace.CONT, t.tid, 0, sig);
    }

    private long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private void emit(Event e) {
        batch.add(e);
        if (batch.size() >= MAX_BATCH) {
            flush();
        }
    }

    private void flush() {
        if (!batch.isEmpty()) {
            sink.accept(batch);
            batch = new java.util.ArrayList<>();
        }
    }

    /** A thread whose first stop came before its creator's fork/clone event. */
    private Task adoptUnknown(int tid) {
        ProcFs.Creds c = ProcFs.creds(tid);
        int tgid = c == null ? tid : c.tgid();
        Proc p = procs.get(tgid);
        if (p == null) {
            Proc parent = c == null ? null : procs.get(c.ppid());
            ProcessInfo pi = parent != null
                    ? parent.info.forkedAs(tgid, now())
                    : ProcFs.snapshot(tgid, c == null ? 0 : c.ppid(), null);
            p = new Proc(tgid, pi);
            procs.put(tgid, p);
        }
        Task t = new Task(tid, p);
        tasks.put(tid, t);
        return t;
    }

    private void gone(int tid, int st) {
        Task t = tasks.remove(tid);
        if (tid == mainPid && mainStatus == null) {
            mainStatus = ExitStatus.fromWaitStatus(st);
            mainExitListener.accept(mainStatus);
        }
        if (t == null || t.proc.pid != tid) {
            return;
        }
        Proc p = procs.remove(tid);
        if (p != null) {
            if (ProcFs.isZombie(tid)) {
                zombies.add(tid); // its parent has not reaped it (yet)
            }
            reapOrphanedZombies();
            tasks.values().removeIf(other -> other.proc == p);
            ExitStatus es = ExitStatus.fromWaitStatus(st);
            emit(new Event.Exit(++seq, now(), tid, p.info, es.code(), es.signal(), es.core()));
        }
    }

    private void seccompStop(Task t) {
        if (Libc.ptrace(Ptrace.GET_SYSCALL_INFO, t.tid, 88, info.address()) <= 0
                || info.get(JAVA_BYTE, 0) != Ptrace.SYSCALL_INFO_SECCOMP) {
            resume(t, 0);
            return;
        }
        long auditArch = info.get(JAVA_INT, 4) & 0xffffffffL;
        long nr = info.get(JAVA_LONG, 24);
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = info.get(JAVA_LONG, 32 + 8L * i);
        }
        long time = now();
        Syscall s = null;
        String abi = "native";
        List<Param> params = List.of();
        decoder.lastFd = null;
        if (auditArch != arch.auditArch()) {
            abi = auditArch == arch.foreignAuditArch() ? arch.foreignName() : "arch-0x" + Long.toHexString(auditArch);
        } else if (arch == Arch.X86_64 && (nr & Arch.X32_SYSCALL_BIT) != 0) {
            abi = "x32";
        } else if (nr >= 0 && nr < byNumber.length) {
            s = byNumber[(int) nr];
        }
        FdInfo opened = null;
        if (s != null) {
            params = decoder.decode(t.tid, t.proc.pid, s, args);
            opened = opened(t, s, params, decoder.lastFd);
        }
        Verdict verdict;
        try {
            verdict = hook.onEntry(new SyscallEntry(t.tid, t.proc.info, s, abi, nr, args, params, opened));
            if (verdict == null) {
                verdict = Verdict.ALLOW;
            }
        } catch (RuntimeException e) {
            System.getLogger("dev.peregrine.capture").log(System.Logger.Level.WARNING, "syscall hook failed", e);
            verdict = Verdict.ALLOW;
        }
        switch (verdict) {
            case Verdict.Deny d -> {
                regs.skipCall(t.tid, d.errno());
                emit(new Event.Syscall(++seq, time, t.tid, t.proc.info, s, abi, nr, args, params, (long) -d.errno(),
                        fdFor(t, s, params, -d.errno(), decoder.lastFd, opened), verdict));
                resume(t, 0);
            }
            case Verdict.Kill k -> {
                Libc.kill(t.proc.pid, Ptrace.SIGKILL);
                emit(new Event.Syscall(++seq, time, t.tid, t.proc.info, s, abi, nr, args, params, null,
                        null, verdict));
                // No resume: SIGKILL ends the stop and the process.
            }
            case Verdict.Allow a -> {
                boolean exitStop = s == null || s.needsExit() || exitHooked[(int) nr];
                if (exitStop && !a.result() && s != null && s.effect() == Syscall.Effect.NONE) {
                    // Nobody wants the result: report the call now, without result or descriptor
                    // number, and let it run to completion without a second stop.
                    emit(new Event.Syscall(++seq, time, t.tid, t.proc.info, s, abi, nr, args, params, null, opened,
                            verdict));
                    resume(t, 0);
                } else if (exitStop) {
                    t.pending = new Pending(s, abi, nr, args, params, verdict, time, decoder.lastFd, opened);
                    Libc.ptrace(Ptrace.SYSCALL, t.tid, 0, 0);
                } else {
                    emit(new Event.Syscall(++seq, time, t.tid, t.proc.info, s, abi, nr, args, params, null, null,
                            verdict));
                    resume(t, 0);
                }
            }
        }
    }

    private static boolean restarting(long rval) {
        return rval == -512 || rval == -513 || rval == -514 || rval == -516;
    }

    private void syscallExit(Task t) {
        Pending p = t.pending;
        t.pending = null;
        if (p == null) {
            resume(t, 0);
            return;
        }
        long rval;
        if (Libc.ptrace(Ptrace.GET_SYSCALL_INFO, t.tid, 88, info.address()) > 0
                && info.get(JAVA_BYTE, 0) == Ptrace.SYSCALL_INFO_EXIT) {
            rval = info.get(JAVA_LONG, 24);
        } else {
            resume(t, 0);
            return;
        }
        Syscall s = p.syscall();
        if (restarting(rval) || (s != null && s.effect() == Syscall.Effect.EXEC && rval == 0)
                || (s != null && s.effect() == Syscall.Effect.CLONE && rval >= 0)) {
            // A restarted call is reported when it completes; a successful exec or clone was
            // reported at its ptrace event.
            resume(t, 0);
            return;
        }
        if (s != null && rval >= 0) {
            applyEffect(t, s, p.args());
        }
        List<Param> params = p.params();
        if (s != null && rval >= 0 && (s.name().equals("accept") || s.name().equals("accept4"))) {
            params = withPeer(t, p.args(), params);
        }
        FdInfo fd = fdFor(t, s, params, rval, p.argFd(), p.opened());
        Event.Syscall done = new Event.Syscall(++seq, p.time(), t.tid, t.proc.info, s, p.abi(), p.nr(), p.args(),
                params, rval, fd, p.verdict());
        if (s != null && exitHooked[(int) p.nr()]) {
            Verdict v = exitVerdict(done);
            switch (v) {
                case Verdict.Kill k -> {
                    // Still stopped: SIGKILL ends the process before the call returns to it.
                    Libc.kill(t.proc.pid, Ptrace.SIGKILL);
                    emit(withVerdict(done, rval, v));
                    return;
                }
                case Verdict.Deny d -> {
                    if (regs.setResult(t.tid, -(long) d.errno())) {
                        done = withVerdict(done, (long) -d.errno(), v);
                    }
                }
                case Verdict.Allow a -> {
                }
            }
        }
        emit(done);
        resume(t, 0);
    }

    private Verdict exitVerdict(Event.Syscall done) {
        try {
            Verdict v = exitHook.onExit(done);
            return v == null ? Verdict.ALLOW : v;
        } catch (RuntimeException e) {
            System.getLogger("dev.peregrine.capture").log(System.Logger.Level.WARNING, "syscall exit hook failed", e);
            return Verdict.ALLOW;
        }
    }

    private static Event.Syscall withVerdict(Event.Syscall e, Long res, Verdict v) {
        return new Event.Syscall(e.seq(), e.timeNanos(), e.tid(), e.process(), e.syscall(), e.abi(), e.nr(), e.args(),
                e.params(), res, e.fd(), v);
    }

    /** accept fills in the peer's address at exit: add it as Falco's {@code tuple} parameter. */
    private List<Param> withPeer(Task t, long[] args, List<Param> params) {
        if (args[1] == 0 || args[2] == 0) {
            return params;
        }
        byte[] len = memory.read(t.tid, args[2], 4);
        if (len == null) {
            return params;
        }
        int n = java.nio.ByteBuffer.wrap(len).order(java.nio.ByteOrder.nativeOrder()).getInt();
        String peer = decoder.sockaddr(t.tid, args[1], n);
        if (peer == null) {
            return params;
        }
        List<Param> out = new java.util.ArrayList<>(params);
        out.add(new Param("tuple", ArgType.SOCKADDR, peer, peer));
        return out;
    }

    private void applyEffect(Task t, Syscall s, long[] args) {
        switch (s.effect()) {
            case PROCESS_GROUP -> {
                refreshGroup(t.proc);
                // setpgid(child, pgid): a shell placing its job
                Proc target = s.name().equals("setpgid") && (int) args[0] > 0 ? procs.get((int) args[0]) : null;
                if (target != null && target != t.proc) {
                    refreshGroup(target);
                }
            }
            case CHDIR -> {
                String cwd = ProcFs.link(t.proc.pid, "cwd");
                if (cwd != null) {
                    t.proc.info = t.proc.info.withCwd(cwd);
                }
            }
            case CREDENTIALS -> {
                ProcFs.Creds c = ProcFs.creds(t.tid);
                if (c != null) {
                    t.proc.info = t.proc.info.withCredentials(c.ids(), c.capPrm(), c.capEff());
                }
            }
            default -> {
            }
        }
    }

    private static void refreshGroup(Proc p) {
        int[] g = ProcFs.groupAndSession(p.pid);
        if (g != null) {
            p.info = p.info.withGroup(g[0], g[1]);
        }
    }

    /**
     * The descriptor a call will create, when its entry already says what it names: an open's
     * path as requested (also for a failed open), made absolute against the directory fd or the
     * cwd and normalised lexically (symlinks are not resolved); a dup's original. Number -1 until
     * the call returns; null otherwise.
     */
    private FdInfo opened(Task t, Syscall s, List<Param> params, FdInfo argFd) {
        if (s.result() == Syscall.Result.DUPLICATE) {
            // The copy names the same open file, as /proc would at exit. A socket is asked about
            // itself at exit instead (it may be connecting meanwhile).
            return argFd == null || argFd.type().equals("socket") ? null
                    : new FdInfo(-1, argFd.name(), argFd.type(), argFd.typechar());
        }
        if (s.result() != Syscall.Result.FD) {
            return null;
        }
        String path = null;
        boolean directory = false;
        for (Param pp : params) {
            if (pp.type() == ArgType.PATH && path == null && pp.raw() instanceof String str) {
                path = str;
            }
            if (pp.type() == ArgType.OPEN_FLAGS && pp.raw() instanceof Long l) {
                directory = (l & Render.PPM_O_DIRECTORY) != 0;
            }
        }
        if (path == null) {
            return null;
        }
        String base = argFd != null && argFd.name().startsWith("/") ? argFd.name() : t.proc.info.cwd();
        return new FdInfo(-1, absolute(base, path), directory ? "directory" : "file", directory ? 'd' : 'f');
    }

    /** The descriptor an event is about: the one it created, else its fd argument. */
    private FdInfo fdFor(Task t, Syscall s, List<Param> params, long rval, FdInfo argFd, FdInfo opened) {
        if (s == null) {
            return null;
        }
        if (s.result() == Syscall.Result.FD || s.result() == Syscall.Result.DUPLICATE) {
            if (opened != null) {
                return new FdInfo((int) Math.max(rval, -1), opened.name(), opened.type(), opened.typechar());
            }
            if (rval >= 0) {
                return socketName(t.proc.pid, ProcFs.fd((int) rval, ProcFs.fdLink(t.proc.pid, rval), false), params,
                        s.name().startsWith("accept"));
            }
            return null;
        }
        if (argFd != null) {
            return socketName(t.proc.pid, argFd, params, false);
        }
        return null;
    }

    private static FdInfo socketName(int pid, FdInfo fd, List<Param> params, boolean peerIsClient) {
        if (!fd.type().equals("socket")) {
            return fd;
        }
        BorrowedSocket socket = BorrowedSocket.of(pid, fd.num());
        if (socket != null && socket.remote() != null && !socket.remote().isEmpty()) {
            // A connected socket names both ends, whatever call it came through (connect, accept,
            // an inherited descriptor, a dup onto stdout).
            return socket.fd(fd.num(), peerIsClient);
        }
        for (Param p : params) {
            if (p.type() == ArgType.SOCKADDR && p.raw() instanceof String addr) {
                if (addr.startsWith("/") || addr.startsWith("@")) {
                    return new FdInfo(fd.num(), addr, "unix", 'u');
                }
                boolean v6 = addr.indexOf(':') != addr.lastIndexOf(':');
                // Falco orders tuples client->server: connect knows the server, accept the client.
                String name = peerIsClient ? addr + "->" : "->" + addr;
                return new FdInfo(fd.num(), name, v6 ? "ipv6" : "ipv4", v6 ? '6' : '4',
                        socket == null ? null : socket.l4proto());
            }
        }
        return socket != null ? socket.fd(fd.num(), peerIsClient) : fd;
    }

    /** {@code path} against {@code base}, with "." and ".." and repeated slashes removed. */
    static String absolute(String base, String path) {
        String joined = path.startsWith("/") ? path : base.equals("/") ? "/" + path : base + "/" + path;
        if (isNormal(joined)) {
            return joined; // the common case, without splitting
        }
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : joined.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** An absolute path with no empty, "." or ".." element and no trailing slash. */
    private static boolean isNormal(String p) {
        int n = p.length();
        if (n == 0 || p.charAt(0) != '/') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        if (p.charAt(n - 1) == '/') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (p.charAt(i) == '/') {
                // the element after this slash: not empty, not "." and not ".."
                int j = i + 1;
                if (j == n || p.charAt(j) == '/') {
                    return false;
                }
                if (p.charAt(j) == '.') {
                    int k = j + 1;
                    if (k == n || p.charAt(k) == '/') {
                        return false;
                    }
                    if (p.charAt(k) == '.' && (k + 1 == n || p.charAt(k + 1) == '/')) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void cloned(Task t, int event) {
        Libc.ptrace(Ptrace.GETEVENTMSG, t.tid, 0, msg.address());
        int child = (int) msg.get(JAVA_LONG, 0);
        long flags;
        String type;
        if (regs.load(t.tid)) {
            long nr = regs.nr();
            Syscall s = nr >= 0 && nr < byNumber.length ? byNumber[(int) nr] : null;
            type = s != null ? s.name() : (event == Ptrace.EVENT_VFORK ? "vfork" : event == Ptrace.EVENT_FORK ? "fork" : "clone");
            if ("clone3".equals(type)) {
                byte[] b = memory.read(t.tid, regs.arg(0), 8);
                flags = b == null ? 0 : java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).getLong();
            } else if ("clone".equals(type)) {
                flags = regs.arg(0);
            } else if ("vfork".equals(type)) {
                flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
            } else {
                flags = SIGCHLD;
            }
        } else {
            type = event == Ptrace.EVENT_VFORK ? "vfork" : event == Ptrace.EVENT_FORK ? "fork" : "clone";
            flags = 0;
        }
        boolean thread = (flags & CLONE_THREAD) != 0;
        Task c = tasks.get(child);
        ProcessInfo childInfo;
        if (thread) {
            if (c == null) {
                c = new Task(child, t.proc);
                tasks.put(child, c);
            } else if (c.proc != t.proc) {
                procs.remove(c.proc.pid, c.proc);
                c.proc = t.proc;
            }
            childInfo = t.proc.info;
        } else {
            Proc cp = procs.get(child);
            if (cp == null) {
                cp = new Proc(child, t.proc.info.forkedAs(child, now()));
                procs.put(child, cp);
            } else if (cp.info.parent() == null) {
                cp.info = cp.info.withParent(t.proc.pid, t.proc.info);
            }
            if (c == null) {
                c = new Task(child, cp);
                tasks.put(child, c);
            }
            childInfo = cp.info;
        }
        emit(new Event.Clone(++seq, now(), t.tid, t.proc.info, type, child, childInfo, thread, flags));
        resume(t, 0);
    }

    private Task exec(Task t) {
        Libc.ptrace(Ptrace.GETEVENTMSG, t.tid, 0, msg.address());
        int former = (int) msg.get(JAVA_LONG, 0);
        Proc p = t.proc;
        Pending pending = t.pending;
        if (former != t.tid) {
            // A non-leader thread exec'd: it took over the leader's tid; its call state moves along.
            Task old = tasks.remove(former);
            if (old != null && old.pending != null) {
                pending = old.pending;
            }
        }
        int pid = p.pid;
        tasks.values().removeIf(other -> other.proc == p && other.tid != pid);
        t.pending = pending;
        ProcessInfo before = p.info;
        ProcessInfo parentInfo = before.parent();
        ProcessInfo fresh = ProcFs.snapshot(pid, before.ppid(), parentInfo, before);
        p.info = fresh;
        String type = pending != null && pending.syscall() != null ? pending.syscall().name() : "execve";
        List<Param> params = new java.util.ArrayList<>(pending != null ? pending.params() : List.of());
        // On success Falco's exec event carries the executable's flags as "flags" (execveat's
        // AT_* flags belong to the call's entry).
        params.removeIf(pp -> pp.name().equals("flags"));
        long exeFlags = ProcFs.exeFlags(fresh);
        params.add(new Param("flags", ArgType.INT, exeFlags, Render.EXE_FLAGS.flags(exeFlags)));
        emit(new Event.Exec(++seq, now(), pid, fresh, type, former, before, params));
        if (pending != null && pending.syscall() != null && pending.syscall().effect() == Syscall.Effect.EXEC) {
            // The exec succeeded and is reported: its exit stop would add nothing, so skip it.
            t.pending = null;
        }
        return t;
    }

    long stopCount() {
        return stops;
    }

    /** The traced thread ids (a live view). */
    java.util.Collection<Integer> tids() {
        return tasks.keySet();
    }

    int mainPid() {
        return mainPid;
    }
}
