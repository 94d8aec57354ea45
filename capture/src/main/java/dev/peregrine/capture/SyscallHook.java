package dev.peregrine.capture;

/**
 * Called synchronously on the tracer thread at the entry of every trapped call, while the
 * calling thread is stopped, so a policy can prevent the call. It must be fast: every
 * traced thread of the workload waits for it. It must not block or throw; an exception is
 * logged and treated as {@link Verdict#ALLOW}.
 */
@FunctionalInterface
public interface SyscallHook {
    /** Allows everything. */
    SyscallHook ALLOW_ALL = entry -> Verdict.ALLOW;

    Verdict onEntry(SyscallEntry entry);
}
