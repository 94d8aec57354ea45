package dev.peregrine.bench;

import dev.peregrine.agent.Enforcer;
import dev.peregrine.agent.Pipeline;
import dev.peregrine.agent.SelfProtection;
import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.agent.policy.TrapPlan;
import dev.peregrine.capture.Capture;
import dev.peregrine.capture.CaptureException;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.Libc;
import dev.peregrine.capture.Syscall;
import dev.peregrine.capture.SyscallExitHook;
import dev.peregrine.capture.TracedWorkload;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.protocol.Workload;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RulesFile;
import dev.peregrine.rules.event.ContainerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's capture → rules path for the overhead benchmark: its trap set, its entry and exit
 * hooks and its rule evaluation on the event thread, under a notify-only policy, with alerts
 * dropped instead of sent, in a container as in a task (the upstream rules' {@code container}
 * macro holds, so the container rules run).
 *
 * @param traps      the calls that stop the workload
 * @param exitHooked the calls whose exit the agent hooks for kill rules
 */
record AgentRun(Detector detector, TrapSet traps, Set<Syscall> exitHooked) {
    private static final ContainerRecord CONTAINER = new ContainerRecord("0123456789ab", "app", "nginx:1.27", "nginx",
            "1.27", null, false, 0L, null, null, null);

    /** {@code peregrine run --rules FILE}: only the calls the rules need. */
    static AgentRun standalone(Path rules) throws IOException {
        Detector d = new Detector(load(rules), Policies.NOTIFY_ALL);
        TrapSet traps = TrapPlan.withDirectoryOpensUntraced(TrapPlan.forEventTypes(d.eventTypes()), d.running());
        return new AgentRun(d, traps, TrapPlan.exitHooked(traps, d.killingAtExit().eventTypes()));
    }

    /** A connected agent: the table's calls, since later policies may need any of them. */
    static AgentRun connected(Path rules) throws IOException {
        Detector d = new Detector(load(rules), Policies.NOTIFY_ALL);
        TrapSet traps = TrapPlan.connected(d.eventTypes());
        return new AgentRun(d, traps, TrapPlan.exitHookedAnyway(traps));
    }

    private static dev.peregrine.rules.RuleSet load(Path rules) throws IOException {
        LoadResult r = RuleLoader.load(List.of(new RulesFile(rules.toString(), Files.readString(rules))));
        return r.ruleSet().orElseThrow(() -> new IllegalStateException(rules + " does not load: " + r.errors()));
    }

    /** Starts {@code spec} under a fresh pipeline; {@code events} counts what it sees. */
    TracedWorkload start(LaunchSpec spec, AtomicLong events) throws CaptureException {
        Pipeline p = new Pipeline(Workload.UNKNOWN, CONTAINER, "bench", alert -> { }, new Enforcer() {
            @Override
            public boolean killProcess(int pid) {
                return false;
            }

            @Override
            public void killTask(String reason) {
            }
        }, new SelfProtection(Libc.getpid()), 1);
        p.install(detector);
        return Capture.start(spec, e -> {
            events.incrementAndGet();
            p.onEvent(e);
        }, p::onEntry, SyscallExitHook.of(exitHooked, p::onExit));
    }
}
