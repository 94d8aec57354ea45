package dev.peregrine.capture;

import java.util.Set;

/**
 * Called synchronously on the tracer thread at the syscall-exit stop of the calls named in
 * {@link #syscalls()}, after the call ran and before the calling thread resumes, with the
 * complete exit event (result, created descriptor). A policy that needs exit-only fields
 * ({@code evt.res}, {@code fd.num}) can so act before the workload uses the result:
 * <ul>
 *   <li>{@link Verdict#ALLOW}: the thread resumes with the call's result;</li>
 *   <li>{@link Verdict#KILL}: SIGKILL to the process while the thread is still stopped, so
 *       it never returns to user space;</li>
 *   <li>{@link Verdict#deny(int)}: the return value is replaced with {@code -errno}. The call
 *       has already run: its effects stay (a created descriptor stays open in the process,
 *       a write was written); only what the call returns is withheld.</li>
 * </ul>
 * Only the listed calls stop at their exit for the hook, so every other call costs nothing
 * more. Like {@link SyscallHook} it must be fast, must not block or throw; an exception is
 * logged and treated as {@link Verdict#ALLOW}. Calls refused or killed at entry, restarted
 * calls and successful exec/clone calls (reported at their ptrace events) do not reach it.
 */
public interface SyscallExitHook {
    /** Never called. */
    SyscallExitHook NONE = of(Set.of(), exit -> Verdict.ALLOW);

    /** The calls whose exit stop is trapped for this hook. */
    Set<Syscall> syscalls();

    /** Decides on a completed call; {@code exit.verdict()} is the entry's verdict (ALLOW). */
    Verdict onExit(Event.Syscall exit);

    /** A hook on {@code syscalls} deciding with {@code decide}. */
    static SyscallExitHook of(Set<Syscall> syscalls, java.util.function.Function<Event.Syscall, Verdict> decide) {
        Set<Syscall> copy = Set.copyOf(syscalls);
        return new SyscallExitHook() {
            @Override
            public Set<Syscall> syscalls() {
                return copy;
            }

            @Override
            public Verdict onExit(Event.Syscall exit) {
                return decide.apply(exit);
            }
        };
    }
}
