package dev.peregrine.capture;

/** What a {@link SyscallHook} decides about a trapped call before it runs. */
public sealed interface Verdict {
    /** Let the call run; its event carries its result. */
    Verdict ALLOW = new Allow(true);
    /**
     * Let the call run without stopping at its exit: nothing needs its result. The event is
     * reported at entry, without result or descriptor number, saving a stop (two context switches).
     * Ignored for calls whose exit changes process state (exec, clone, chdir, credentials,
     * process groups, exit): those always stop at their exit.
     */
    Verdict ALLOW_WITHOUT_RESULT = new Allow(false);
    /** Kill the whole process (thread group) before the call runs. */
    Verdict KILL = new Kill();

    /** Fail the call with {@code -errno} without running it. */
    static Verdict deny(int errno) {
        return new Deny(errno);
    }

    /** @param result whether the call's result is wanted (its exit stop taken when the call has one) */
    record Allow(boolean result) implements Verdict {
    }

    record Deny(int errno) implements Verdict {
        public Deny {
            if (errno <= 0 || errno > 4095) {
                throw new IllegalArgumentException("errno must be in 1..4095, was " + errno);
            }
        }
    }

    record Kill() implements Verdict {
    }
}
