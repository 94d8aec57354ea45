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

    /** Every call in the table: what any future policy may need. */
    public static TrapSet everything() {
        return complete(new LinkedHashSet<>(SyscallTable.all()));
    }

    private static TrapSet complete(Set<Syscall> calls) {
        for (String name : SELF_PROTECTION) {
            calls.add(SyscallTable.require(name));
        }
        return TrapSet.withStateKeeping(calls);
    }
}
