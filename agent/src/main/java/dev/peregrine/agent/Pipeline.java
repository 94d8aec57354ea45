package dev.peregrine.agent;

import dev.peregrine.agent.event.CapturedEvent;
import dev.peregrine.agent.output.AlertSink;
import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.capture.Event;
import dev.peregrine.capture.SyscallEntry;
import dev.peregrine.capture.Verdict;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.AlertId;
import dev.peregrine.protocol.Workload;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.event.ContainerInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Capture → rules → actions → alerts. Events arrive in order on capture's dispatcher thread
 * ({@link #onEvent}); calls that a {@code deny} or {@code kill_process} policy or self-protection
 * may stop are decided on the tracer thread at their entry ({@link #onEntry}), which only looks
 * and remembers: the alert for a refused call is written when its (refused) event comes
 * through, in order. A {@code kill_process} or {@code kill_task} rule that needs exit-only
 * fields is evaluated synchronously at the call's exit ({@link #onExit}): the process dies
 * before the call returns to it.
 * Once a {@link Detector} is installed, a call no rule could match, whatever it returns, skips its
 * exit stop and is not evaluated again ({@link #onEntry}). Until then, events wait in a bounded
 * buffer and are evaluated when it arrives; what does not fit is counted.
 */
public final class Pipeline {
    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());
    static final int EPERM = 1;

    private final Workload workload;
    private final ContainerInfo container;
    private final String hostname;
    private final AlertSink sink;
    private final Enforcer enforcer;
    private final SelfProtection selfProtection;
    private final int bufferCapacity;
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    // Per thread, in call order: a thread may make its next refused call before the dispatcher
    // has reported the previous one.
    private final Map<Integer, java.util.Queue<Denial>> denials = new ConcurrentHashMap<>();
    private volatile Detector detector;

    /** A call refused at entry, waiting for its exit event to be reported. */
    private sealed interface Denial {
        record ByRule(Rule rule, Policies.Decision decision, CapturedEvent entry, boolean killed) implements Denial {
        }

        record Tampering(SelfProtection.Attempt attempt) implements Denial {
        }
    }

    public Pipeline(Workload workload, ContainerInfo container, String hostname, AlertSink sink, Enforcer enforcer,
                    SelfProtection selfProtection, int bufferCapacity) {
        this.workload = workload;
        this.container = container;
        this.hostname = hostname;
        this.sink = sink;
        this.enforcer = enforcer;
        this.selfProtection = selfProtection;
        this.bufferCapacity = bufferCapacity;
    }

    /** Installs (or replaces) the compiled rules; buffered events are evaluated now, in order. */
    public synchronized void install(Detector d) {
        detector = d;
        if (!buffer.isEmpty() || overflow.get() > 0) {
            LOG.log(System.Logger.Level.INFO, "evaluating {0} events captured before the policies arrived ({1} did not fit the buffer)",
                    Integer.toString(buffer.size()), Long.toString(overflow.get()));
        }
        while (!buffer.isEmpty()) {
            evaluate(d, buffer.poll());
        }
    }

    public Detector detector() {
        return detector;
    }

    /** Whether events captured before any policies arrived are still waiting for them. */
    public synchronized boolean awaitingPolicies() {
        return detector == null && (!buffer.isEmpty() || overflow.get() > 0);
    }

    /** Events that did not fit the pre-policy buffer. */
    public long overflow() {
        return overflow.get();
    }

    public long alertCount() {
        return alerts.get();
    }

    /** Capture's event consumer. */
    public void onEvent(Event e) {
        if (e instanceof Event.Syscall s && !(s.verdict() instanceof Verdict.Allow)) {
            Denial[] next = new Denial[1];
            denials.computeIfPresent(s.tid(), (tid, q) -> {
                next[0] = q.poll();
                return q.isEmpty() ? null : q;
            });
            Denial d = next[0];
            if (d != null) {
                report(d);
            }
            return;
        }
        if (e instanceof Event.Syscall s && s.verdict() == Verdict.ALLOW_WITHOUT_RESULT) {
            return; // the rules in force when it ran could not match it, whatever it returned
        }
        Detector d = detector;
        if (d == null) {
            synchronized (this) {
                d = detector;
                if (d == null) {
                    if (buffer.size() < bufferCapacity) {
                        buffer.add(e);
                    } else {
                        overflow.incrementAndGet();
                    }
                    return;
                }
            }
        }
        evaluate(d, e);
    }

    /** Capture's entry hook: self-protection first, then the rules of deny policies. */
    public Verdict onEntry(SyscallEntry entry) {
        SelfProtection.Attempt attempt = selfProtection.check(entry);
        if (attempt != null) {
            remember(entry.tid(), new Denial.Tampering(attempt));
            return Verdict.deny(EPERM);
        }
        Detector d = detector;
        if (d == null) {
            return Verdict.ALLOW; // the buffered event will meet the rules later, with its result
        }
        CapturedEvent event = null;
        if (d.atEntry().rulesFor(entry.name()).length > 0) {
            event = entryEvent(entry);
            Rule rule = d.atEntry().firstMatch(event);
            if (rule != null) {
                Policies.Decision decision = d.decision(rule);
                boolean deny = decision.has(Action.DENY);
                remember(entry.tid(), new Denial.ByRule(rule, decision, event, !deny));
                return deny ? Verdict.deny(EPERM) : Verdict.KILL;
            }
        }
        return resultWanted(d, entry, event) ? Verdict.ALLOW : Verdict.ALLOW_WITHOUT_RESULT;
    }

    /** The call as the rules read it before it runs. */
    private CapturedEvent entryEvent(SyscallEntry entry) {
        return CapturedEvent.atEntry(entry, System.currentTimeMillis() * 1_000_000L, container, hostname);
    }

    /**
     * Whether a rule could match this call's exit event: only then is its exit stop worth two
     * context switches. Calls that keep process state stop at their exit regardless.
     */
    private boolean resultWanted(Detector d, SyscallEntry entry, CapturedEvent event) {
        if (entry.syscall() == null || entry.syscall().effect() != dev.peregrine.capture.Syscall.Effect.NONE) {
            return true;
        }
        if (d.atExit().rulesFor(entry.name()).length == 0) {
            return false;
        }
        if (event == null) {
            event = entryEvent(entry);
        }
        return d.atExit().mayMatchAtExit(event, entry.fd() != null);
    }

    /**
     * Capture's exit hook, on the tracer thread before the call returns: the rules of
     * kill_process and kill_task policies. A match kills the process now (the alert and a
     * kill_task follow when the killed call's event comes through, in order).
     */
    public Verdict onExit(Event.Syscall exit) {
        Detector d = detector;
        if (d == null || d.killingAtExit().rulesFor(exit.type()).length == 0) {
            return Verdict.ALLOW;
        }
        CapturedEvent event = CapturedEvent.of(exit, container, hostname);
        Rule rule = d.killingAtExit().firstMatch(event);
        if (rule == null) {
            return Verdict.ALLOW;
        }
        remember(exit.tid(), new Denial.ByRule(rule, d.decision(rule), event, true));
        return Verdict.KILL;
    }

    private void remember(int tid, Denial d) {
        denials.compute(tid, (t, q) -> {
            java.util.Queue<Denial> out = q != null ? q : new java.util.ArrayDeque<>();
            out.add(d);
            return out;
        });
    }

    private void evaluate(Detector d, Event e) {
        CapturedEvent event = CapturedEvent.of(e, container, hostname);
        for (Rule rule : d.atExit().matches(event)) {
            Policies.Decision decision = d.decision(rule);
            List<String> done = new ArrayList<>();
            done.add(Action.NOTIFY.wireName());
            if (decision.has(Action.KILL_PROCESS) && enforcer.killProcess(e.process().pid())) {
                done.add(Action.KILL_PROCESS.wireName());
            }
            boolean stopTask = decision.has(Action.KILL_TASK);
            if (stopTask) {
                done.add(Action.KILL_TASK.wireName());
            }
            emit(alert(rule, event, decision.policy(), done));
            if (stopTask) {
                enforcer.killTask("rule '" + rule.name() + "' of policy '" + decision.policy() + "'");
            }
        }
    }

    private void report(Denial d) {
        switch (d) {
            case Denial.ByRule r -> {
                List<String> done = new ArrayList<>();
                if (r.killed()) {
                    done.add(Action.NOTIFY.wireName());
                    if (r.decision().has(Action.KILL_PROCESS)) {
                        done.add(Action.KILL_PROCESS.wireName());
                    }
                } else {
                    done.add(Action.DENY.wireName());
                    done.add(Action.NOTIFY.wireName());
                    if (r.decision().has(Action.KILL_PROCESS) && enforcer.killProcess((int) r.entry().thread().pid())) {
                        done.add(Action.KILL_PROCESS.wireName());
                    }
                }
                boolean stopTask = r.decision().has(Action.KILL_TASK);
                if (stopTask) {
                    done.add(Action.KILL_TASK.wireName());
                }
                emit(alert(r.rule(), r.entry(), r.decision().policy(), done));
                if (stopTask) {
                    enforcer.killTask("rule '" + r.rule().name() + "' of policy '" + r.decision().policy() + "'");
                }
            }
            case Denial.Tampering t -> emit(t.attempt().alert(AlertId.next(), hostname, workload));
        }
    }

    private Alert alert(Rule rule, CapturedEvent event, String policy, List<String> actions) {
        dev.peregrine.rules.output.Alert a = rule.alert(event, hostname);
        Map<String, Object> json = a.toJsonMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) json.get("output_fields");
        return new Alert(AlertId.next(), a.time(), a.rule(), a.priority().displayName(), a.output(),
                fields, a.source(), a.tags(), hostname, policy, actions, workload);
    }

    private void emit(Alert alert) {
        alerts.incrementAndGet();
        try {
            sink.send(alert);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "alert output failed for " + alert.rule() + ": " + ex);
        }
    }
}
