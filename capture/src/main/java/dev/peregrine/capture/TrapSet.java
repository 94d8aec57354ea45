package dev.peregrine.capture;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the seccomp filter hands to the tracer: a set of system calls, argument-level
 * pre-filters that let some of their calls run without a stop, and what happens to calls
 * made through a foreign ABI (i386 {@code int 0x80}, x32, AArch32), which can never pass
 * unseen: they are either all denied with {@code ENOSYS} or all trapped.
 *
 * @param syscalls   the calls to trap
 * @param prefilters calls to let through without a stop, by argument value
 * @param foreignAbi the treatment of foreign-ABI calls
 */
public record TrapSet(Set<Syscall> syscalls, List<Prefilter> prefilters, ForeignAbi foreignAbi) {

    public TrapSet {
        syscalls = Set.copyOf(new LinkedHashSet<>(syscalls));
        prefilters = List.copyOf(prefilters);
        for (Prefilter p : prefilters) {
            Syscall s = SyscallTable.require(p.syscall());
            if (s.arg(p.arg()).isEmpty()) {
                throw new IllegalArgumentException("pre-filter on " + p.syscall() + " names argument '" + p.arg()
                        + "', which it does not have; it has " + s.args().stream().map(Syscall.Arg::name).toList());
            }
        }
    }

    /** Foreign-ABI policy. */
    public enum ForeignAbi {
        /** The filter answers every foreign-ABI call with {@code ENOSYS}; nothing runs unseen. */
        DENY,
        /** Every foreign-ABI call stops; the tracer reports it (undecoded) and the hook decides. */
        TRACE
    }

    /**
     * Let a call through without stopping when an argument's flag bits match.
     *
     * @param syscall the call
     * @param arg     the argument's Falco name (for example {@code flags})
     * @param mask    the Linux bit mask, on the native architecture
     * @param when    which match skips the stop
     */
    public record Prefilter(String syscall, String arg, long mask, When when) {
        public enum When {
            /** Skip the stop when any bit of the mask is set. */
            ANY_SET,
            /** Skip the stop when no bit of the mask is set. */
            NONE_SET
        }
    }

    /** Trap these calls, deny foreign-ABI calls, no pre-filters. */
    public static TrapSet of(Collection<Syscall> syscalls) {
        return new TrapSet(new LinkedHashSet<>(syscalls), List.of(), ForeignAbi.DENY);
    }

    /** Trap the named calls plus {@link SyscallTable#STATE_KEEPING}. */
    public static TrapSet withStateKeeping(Collection<Syscall> syscalls) {
        Set<Syscall> all = new LinkedHashSet<>(syscalls);
        for (String name : SyscallTable.STATE_KEEPING) {
            all.add(SyscallTable.require(name));
        }
        return of(all);
    }

    public TrapSet withPrefilter(Prefilter prefilter) {
        List<Prefilter> all = new ArrayList<>(prefilters);
        all.add(prefilter);
        return new TrapSet(syscalls, all, foreignAbi);
    }

    public TrapSet withForeignAbi(ForeignAbi policy) {
        return new TrapSet(syscalls, prefilters, policy);
    }

    public boolean traps(Syscall syscall) {
        return syscalls.contains(syscall);
    }
}
