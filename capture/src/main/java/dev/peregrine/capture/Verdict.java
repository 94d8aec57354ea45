package dev.peregrine.capture;

/** What a {@link SyscallHook} decides about a trapped call before it runs. */
public sealed interface Verdict {
    /** Let the call run. */
    Verdict ALLOW = new Allow();
    /** Kill the whole process (thread group) before the call runs. */
    Verdict KILL = new Kill();

    /** Fail the call with {@code -errno} without running it. */
    static Verdict deny(int errno) {
        return new Deny(errno);
    }

    record Allow() implements Verdict {
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
