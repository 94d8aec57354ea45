package dev.peregrine.agent.policy;

import dev.peregrine.protocol.Action;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.Selection;
import dev.peregrine.rules.condition.EventTypes;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiled rules bound to policies: the rules that run at a call's exit (Falco's evaluation,
 * first match), the rules that run at its entry (those of {@code deny} and {@code kill_process}
 * policies), and the
 * decision for each rule.
 */
public final class Detector {
    private final RuleSet ruleSet;
    private final Policies policies;
    private final Map<Rule, Policies.Decision> decisions;
    private final RuleSet.Evaluator atExit;
    private final RuleSet.Evaluator atEntry;
    private final RuleSet.Evaluator killing;

    public Detector(RuleSet ruleSet, Policies policies) {
        this.ruleSet = ruleSet;
        this.policies = policies;
        Map<Rule, Policies.Decision> d = new java.util.IdentityHashMap<>();
        for (Rule r : ruleSet.rules()) {
            Policies.Decision decision = policies.decide(r);
            if (decision != null) {
                d.put(r, decision);
            }
        }
        this.decisions = d;
        Set<String> running = d.keySet().stream().map(Rule::name).collect(Collectors.toSet());
        Set<String> denying = d.entrySet().stream()
                .filter(e -> e.getValue().has(Action.DENY) || e.getValue().has(Action.KILL_PROCESS))
                .map(e -> e.getKey().name()).collect(Collectors.toSet());
        this.atExit = ruleSet.select(only(ruleSet, running).withMatching(Selection.Matching.FIRST));
        this.atEntry = ruleSet.select(only(ruleSet, denying).withMatching(Selection.Matching.FIRST));
        Set<String> kill = d.entrySet().stream()
                .filter(e -> e.getValue().has(Action.KILL_PROCESS) || e.getValue().has(Action.KILL_TASK))
                .map(e -> e.getKey().name()).collect(Collectors.toSet());
        this.killing = ruleSet.select(only(ruleSet, kill).withMatching(Selection.Matching.FIRST));
    }

    private static Selection only(RuleSet rs, Set<String> names) {
        Set<String> others = new HashSet<>();
        for (Rule r : rs.rules()) {
            if (!names.contains(r.name())) {
                others.add(r.name());
            }
        }
        return Selection.defaults().withEnabled(names, Set.of()).withDisabled(others, Set.of());
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    public Policies policies() {
        return policies;
    }

    /** Rules evaluated on every event at its exit. */
    public RuleSet.Evaluator atExit() {
        return atExit;
    }

    /**
     * Rules of deny and kill_process policies, evaluated at the entry of a call: a match there
     * refuses the call (deny) or kills the process before the call runs (kill_process).
     */
    public RuleSet.Evaluator atEntry() {
        return atEntry;
    }

    /**
     * Rules of kill_process and kill_task policies, evaluated synchronously at a call's exit
     * (on the tracer thread, before the call returns) so the kill lands before the workload
     * uses the result. They stay in {@link #atExit()} too, for events evaluated later (the
     * pre-policy buffer, calls whose exit is not hooked).
     */
    public RuleSet.Evaluator killingAtExit() {
        return killing;
    }

    /** The rules that run under these policies (at entry, at exit or both), in rule order. */
    public java.util.List<Rule> running() {
        return ruleSet.rules().stream().filter(decisions::containsKey).toList();
    }

    public Policies.Decision decision(Rule rule) {
        return decisions.get(rule);
    }

    /** The event types (system call names) the running rules can match. */
    public EventTypes eventTypes() {
        return atExit.eventTypes().union(atEntry.eventTypes());
    }
}
