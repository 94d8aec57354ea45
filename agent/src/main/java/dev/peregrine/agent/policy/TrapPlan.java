package dev.peregrine.agent.policy;

import dev.peregrine.capture.Syscall;
import dev.peregrine.capture.SyscallTable;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.rules.condition.EventTypes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which system calls stop the workload. A workload keeps the seccomp filter it started with,
 * so the set must cover every rule that may ever run: the loaded rules' event types when the
 * rules are known for good (standalone), the whole table when policies can change later
 * (connected). Process-state keeping and self-protection are always added.
 */
public final class TrapPlan {
    /** Calls the agent watches to protect itself: signals, ptrace and memory writes aimed at it. */
    public static final List<String> SELF_PROTECTION = List.of("kill", "tkill", "tgkill", "ptrace", "process_vm_writev");

    private TrapPlan() {
    }

    /** The calls for rules that match {@code types}; unknown type names (procexit, ...) need no trap. */
    public static TrapSet forEventTypes(EventTypes types) {
        Set<Syscall> calls = new LinkedHashSet<>();
        for (Syscall s : SyscallTable.all()) {
            if (types.contains(s.name())) {
                calls.add(s);
            }
        }
        return complete(calls);
    }

    /**
     * Frequent calls no upstream Falco rule watches (every process closes descriptors all the
     * time): when policies can change later, trapped only if a rule known at the start needs them.
     * Every other call of the table is trapped regardless, in case a later policy needs it.
     */
    public static final List<String> ON_DEMAND = List.of("close");

    /** Every call in the table: what any future policy may need. */
    public static TrapSet everything() {
        return complete(new LinkedHashSet<>(SyscallTable.all()));
    }

    /**
     * When policies can change after the start (connected): every call in the table except the
     * {@link #ON_DEMAND} ones the rules known now ({@code known}; {@link EventTypes#NONE} before
     * the first bundle) do not match.
     */
    public static TrapSet connected(EventTypes known) {
        Set<Syscall> calls = new LinkedHashSet<>();
        for (Syscall s : SyscallTable.all()) {
            if (!ON_DEMAND.contains(s.name()) || known.contains(s.name())) {
                calls.add(s);
            }
        }
        return complete(calls);
    }

    /** The calls of the table that rules matching {@code types} need and {@code traps} does not stop, by name. */
    public static List<String> untrapped(TrapSet traps, EventTypes types) {
        List<String> out = new java.util.ArrayList<>();
        for (Syscall s : SyscallTable.all()) {
            if (types.contains(s.name()) && !traps.traps(s)) {
                out.add(s.name());
            }
        }
        return out;
    }

    /**
     * The calls whose exit the agent hooks for {@code killing} rules (kill_process, kill_task):
     * those of {@code traps} the rules can match. Every other call keeps its usual stops.
     */
    public static Set<Syscall> exitHooked(TrapSet traps, EventTypes killing) {
        Set<Syscall> out = new LinkedHashSet<>();
        for (Syscall s : traps.syscalls()) {
            if (killing.contains(s.name())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * When rules may change after the start (connected): the trapped calls that stop at their
     * exit anyway, so hooking them adds no stop; a kill rule on another call acts
     * asynchronously.
     */
    public static Set<Syscall> exitHookedAnyway(TrapSet traps) {
        Set<Syscall> out = new LinkedHashSet<>();
        for (Syscall s : traps.syscalls()) {
            if (s.needsExit()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * {@code traps} with capture's pre-filter that lets {@code openat} with {@code O_DIRECTORY}
     * run without a stop, when no rule of {@code running} can match a directory open (see
     * {@link DirectoryOpens}); unchanged otherwise, or when {@code openat} is not trapped.
     * Only for rules known for good: a workload keeps its filter.
     */
    public static TrapSet withDirectoryOpensUntraced(TrapSet traps, java.util.Collection<dev.peregrine.rules.Rule> running) {
        Syscall openat = SyscallTable.require("openat");
        if (!traps.traps(openat) || DirectoryOpens.anyMayMatch(running)) {
            return traps;
        }
        return traps.withPrefilter(new TrapSet.Prefilter("openat", "flags",
                dev.peregrine.capture.Render.oDirectory(dev.peregrine.capture.Arch.current()),
                TrapSet.Prefilter.When.ANY_SET));
    }

    private static TrapSet complete(Set<Syscall> calls) {
        for (String name : SELF_PROTECTION) {
            calls.add(SyscallTable.require(name));
        }
        return TrapSet.withStateKeeping(calls);
    }
}
