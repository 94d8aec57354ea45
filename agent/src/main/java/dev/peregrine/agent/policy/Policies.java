package dev.peregrine.agent.policy;

import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Priority;
import dev.peregrine.protocol.Workload;
import dev.peregrine.rules.Rule;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The policies that apply to this workload (enabled, in scope) and what they make of a rule.
 * In connected mode only rules some policy covers run. In standalone mode every enabled rule
 * runs and alerts ({@code notify}); policies given with {@code --policy-actions} add actions.
 *
 * @param policies        the policies in scope, in bundle order
 * @param notifyUncovered whether rules no policy covers still run and alert (standalone)
 */
public record Policies(List<Policy> policies, boolean notifyUncovered) {
    public Policies {
        policies = List.copyOf(policies);
    }

    /** Falco's behaviour: every enabled rule alerts, nothing is enforced. */
    public static final Policies NOTIFY_ALL = new Policies(List.of(), true);

    /** The policies of a bundle that are enabled and whose scope matches {@code workload}. */
    public static Policies connected(List<Policy> bundlePolicies, Workload workload) {
        List<Policy> inScope = new ArrayList<>();
        for (Policy p : bundlePolicies) {
            if (p.enabled() && p.scope().matches(workload)) {
                inScope.add(p);
            }
        }
        return new Policies(inScope, false);
    }

    /** Standalone: every enabled rule alerts, and {@code extra} policies add their actions. */
    public static Policies standalone(List<Policy> extra) {
        return new Policies(extra, true);
    }

    /**
     * What a matching rule leads to.
     *
     * @param policy  the first covering policy's name, null when none covers it (standalone)
     * @param actions the union of the covering policies' actions, always with notify
     */
    public record Decision(String policy, Set<Action> actions) {
        public boolean has(Action a) {
            return actions.contains(a);
        }
    }

    /** The decision for {@code rule}, or null when it does not run under these policies. */
    public Decision decide(Rule rule) {
        String first = null;
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (Policy p : policies) {
            if (covers(p, rule)) {
                if (first == null) {
                    first = p.name();
                }
                actions.addAll(p.actions());
            }
        }
        if (first == null) {
            return notifyUncovered && rule.enabled() ? new Decision(null, EnumSet.of(Action.NOTIFY)) : null;
        }
        actions.add(Action.NOTIFY);
        return new Decision(first, actions);
    }

    /** Whether {@code p} covers {@code rule}; a policy naming a rule runs it even when its file disables it. */
    public static boolean covers(Policy p, Rule rule) {
        return p.covers(rule.name(), rule.tags(), Priority.valueOf(rule.priority().name()));
    }

    /** Whether any policy here denies. */
    public boolean anyDeny() {
        return policies.stream().anyMatch(p -> p.actions().contains(Action.DENY));
    }
}
