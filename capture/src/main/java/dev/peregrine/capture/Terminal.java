package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The tracer's controlling terminal, for a workload started as its own job
 * ({@link LaunchSpec.Group#OWN_GROUP}): the terminal's foreground goes to the workload's process
 * group while its main process runs, and comes back to the tracer's group afterwards, so the
 * terminal's Ctrl-C reaches the workload once (the kernel sends it to the foreground group
 * only) and whatever runs after the agent in the same shell can read the terminal again.
 *
 * <p>Job control: the shell knows the tracer's process group as its job, not the workload's.
 * When the workload's main process stops (Ctrl-Z, or a read from the terminal in the
 * background), {@link #suspendJob} stops the tracer's process the same way, so the shell reports
 * the job stopped and takes the terminal; {@code fg} or {@code bg} continue the tracer, which
 * hands the foreground back (for {@code fg}) and continues the workload.
 */
final class Terminal {
    private static final int O_RDWR = 2, O_NOCTTY = 0400, O_CLOEXEC = 02000000;
    private static final int SIG_BLOCK = 0, SIG_SETMASK = 2, SIGCONT = 18, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
    private final int fd;
    private final int tracerGroup;
    private volatile boolean given;
    private boolean closed;

    private Terminal(int fd, int tracerGroup) {
        this.fd = fd;
        this.tracerGroup = tracerGroup;
    }

    /** The controlling terminal, or null when this process has none (a container without a TTY, a daemon). */
    static Terminal controlling() {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libc.open(arena.allocateFrom("/dev/tty"), O_RDWR | O_NOCTTY | O_CLOEXEC);
            return fd < 0 ? null : new Terminal(fd, Libc.getpgrp());
        }
    }

    /** Whether the tracer leads its process group: a job of its own, not a member of a larger one. */
    boolean tracerLeadsItsGroup() {
        return tracerGroup == Libc.getpid();
    }

    /** Whether the tracer's process group is the terminal's foreground job (not started with {@code &}). */
    boolean tracerInForeground() {
        return Libc.tcgetpgrp(fd) == tracerGroup;
    }

    /** Makes {@code pgrp} the foreground job; the caller must be in the foreground. */
    boolean giveTo(int pgrp) {
        given = Libc.tcsetpgrp(fd, pgrp) == 0;
        return given;
    }

    /**
     * Takes the foreground back for the tracer's group when it was given away, then closes the
     * terminal.
     */
    void takeBack() {
        if (given && Libc.tcgetpgrp(fd) != tracerGroup) {
            foregroundToTracer();
        }
        given = false;
        close();
    }

    /**
     * SIGTTOU is blocked on the calling thread meanwhile: a background group may then set the
     * foreground instead of being stopped for it.
     */
    private void foregroundToTracer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(128, 8);
            MemorySegment old = arena.allocate(128, 8);
            Libc.SpawnSetup.sigemptyset(set);
            Libc.sigaddset(set, SIGTTOU);
            if (Libc.pthreadSigmask(SIG_BLOCK, set, old) == 0) {
                try {
                    Libc.tcsetpgrp(fd, tracerGroup);
                } finally {
                    Libc.pthreadSigmask(SIG_SETMASK, old, MemorySegment.NULL);
                }
            }
        }
    }

    /**
     * The workload's main process (leader of {@code workloadGroup}) was stopped by
     * {@code stopSignal}: stop the tracer's process with the same signal, from the calling thread
     * itself so that nothing below runs before the shell continues it; then give the foreground
     * back when the shell made the tracer the foreground job again ({@code fg}), and continue
     * the workload. Runs on the tracer thread; the whole agent is stopped meanwhile, as the job
     * it is. When the tracer's group is orphaned (no shell to report to, e.g. a container's first
     * process) the kernel discards the stop and the workload simply continues.
     */
    synchronized void suspendJob(int workloadGroup, int stopSignal) {
        if (closed) {
            return;
        }
        if (Libc.tcgetpgrp(fd) == workloadGroup) {
            foregroundToTracer();
        }
        // SIGSTOP is not relayed as such: the kernel discards TSTP/TTIN/TTOU for an orphaned group,
        // never SIGSTOP, which would leave the agent stopped with nobody to continue it.
        int signal = stopSignal == SIGTTIN || stopSignal == SIGTTOU ? stopSignal : SIGTSTP;
        // Sent to this very thread while blocked, then unblocked: the thread stops on its way back
        // from pthread_sigmask, before running anything below; the whole JVM stops with it. Only
        // this process is stopped: a copy sent to its whole group could be left pending and stop
        // the agent again right after fg.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(128, 8);
            MemorySegment old = arena.allocate(128, 8);
            Libc.SpawnSetup.sigemptyset(set);
            Libc.sigaddset(set, signal);
            Libc.pthreadSigmask(SIG_BLOCK, set, old);
            Libc.tgkill(Libc.getpid(), Libc.gettid(), signal);
            Libc.pthreadSigmask(SIG_SETMASK, old, MemorySegment.NULL);
        }
        // Continued.
        given = tracerInForeground() && giveTo(workloadGroup);
        Libc.kill(-workloadGroup, SIGCONT);
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
