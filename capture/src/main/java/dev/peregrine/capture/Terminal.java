package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The tracer's controlling terminal, for a workload started as its own job
 * ({@link LaunchSpec.Group#OWN_GROUP}): the terminal's foreground goes to the workload's process
 * group while its main process runs, and comes back to the tracer's group afterwards, so the
 * terminal's Ctrl-C reaches the workload once (the kernel sends it to the foreground group
 * only) and whatever runs after the agent in the same shell can read the terminal again.
 */
final class Terminal {
    private static final int O_RDWR = 2, O_NOCTTY = 0400, O_CLOEXEC = 02000000;
    private static final int SIG_BLOCK = 0, SIG_SETMASK = 2, SIGTTOU = 22;
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
            int fd = Libc.open(arena.allocateFrom("/dev/tty"), O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
            return fd < 0 ? null : new Terminal(fd, Libc.getpgrp());
        }
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
     * terminal. SIGTTOU is blocked on the calling thread meanwhile: a background group may then
     * set the foreground instead of being stopped for it.
     */
    void takeBack() {
        if (given && Libc.tcgetpgrp(fd) != tracerGroup) {
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
        given = false;
        close();
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
