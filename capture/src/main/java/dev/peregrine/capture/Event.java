package dev.peregrine.capture;

import java.util.List;
import java.util.Optional;

/**
 * What capture reports: one record per trapped system call (at its exit) and one per
 * process lifecycle step. Every record carries the thread and the process snapshot current
 * when it happened.
 */
public sealed interface Event permits Event.Syscall, Event.Clone, Event.Exec, Event.Exit {
    /** Monotonic sequence number within one traced workload ({@code evt.num}). */
    long seq();

    /** Wall-clock time of the stop, epoch nanoseconds ({@code evt.time}). */
    long timeNanos();

    /** The thread that made the call ({@code thread.tid}). */
    int tid();

    /** The process ({@code proc.*}). */
    ProcessInfo process();

    /** {@code evt.type}. */
    String type();

    /**
     * A trapped system call that returned (or was denied or killed).
     *
     * @param syscall the table row; null for a foreign-ABI call
     * @param abi     "native" or the foreign ABI ("i386", "x32", "arm")
     * @param nr      the number it was made with
     * @param args    the six raw register arguments at entry
     * @param params  decoded parameters in Falco's order; the return value is {@code res}
     * @param res     the return value ({@code evt.rawres}), negative errno on failure; null
     *                when the call never returned (killed, or exit_group)
     * @param fd      the descriptor the call created or used, resolved; null when none
     * @param verdict what the hook decided
     */
    record Syscall(long seq, long timeNanos, int tid, ProcessInfo process, dev.peregrine.capture.Syscall syscall,
                   String abi, long nr, long[] args, List<Param> params, Long res, FdInfo fd, Verdict verdict)
            implements Event {
        @Override
        public String type() {
            return syscall != null ? syscall.name() : abi + ":" + nr;
        }

        public Optional<Param> param(String name) {
            return params.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    /**
     * A new process or thread, reported from the parent's side.
     *
     * @param type     clone, clone3, fork or vfork
     * @param childTid the new thread's id
     * @param child    the new process's snapshot (the parent's process for a thread)
     * @param thread   true for a thread of the same process ({@code CLONE_THREAD})
     * @param flags    clone flags when known (0 for fork, {@code CLONE_VM|CLONE_VFORK} for vfork)
     */
    record Clone(long seq, long timeNanos, int tid, ProcessInfo process, String type, int childTid, ProcessInfo child,
                 boolean thread, long flags) implements Event {
    }

    /**
     * A successful exec. {@code process} is the new image; {@code before} the old one.
     *
     * @param type      execve or execveat
     * @param formerTid the thread that called exec (differs from the pid when a non-leader
     *                  thread exec'd and took over the process)
     * @param params    the call's parameters (filename/pathname, args) as decoded at entry
     */
    record Exec(long seq, long timeNanos, int tid, ProcessInfo process, String type, int formerTid, ProcessInfo before,
                List<Param> params) implements Event {
    }

    /**
     * A process (thread group) ended ({@code evt.type = procexit}).
     *
     * @param exitCode the exit code when it exited, else 0
     * @param signal   the killing signal, else 0
     * @param core     whether it dumped core
     */
    record Exit(long seq, long timeNanos, int tid, ProcessInfo process, int exitCode, int signal, boolean core)
            implements Event {
        @Override
        public String type() {
            return "procexit";
        }
    }
}
