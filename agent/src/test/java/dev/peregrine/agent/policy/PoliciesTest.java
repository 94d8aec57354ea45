package dev.peregrine.agent.policy;

import dev.peregrine.capture.SyscallTable;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Priority;
import dev.peregrine.protocol.Scope;
import dev.peregrine.protocol.Workload;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.RulesFile;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which rules run under which policies, with which actions, and what gets trapped. */
class PoliciesTest {
    static final RuleSet RULES = load("""
            - rule: Shadow read
              desc: d
              condition: evt.type = openat and fd.name = /etc/shadow
              output: o
              priority: WARNING
              tags: [credentials]
            - rule: Module load
              desc: d
              condition: evt.type in (init_module, finit_module)
              output: o
              priority: CRITICAL
              tags: [kernel]
            - rule: Quiet connect
              desc: d
              condition: evt.type = connect and fd.sip = 10.0.0.1
              output: o
              priority: NOTICE
              enabled: false
            """);
    static final Workload WEB = new Workload("prod", "arn:task/1", "web", "app", "repo/web:1", "az-1");

    static RuleSet load(String yaml) {
        LoadResult r = RuleLoader.load(List.of(new RulesFile("t.yaml", yaml)));
        assertTrue(r.ok(), r.errors().toString());
        return r.ruleSet().orElseThrow();
    }

    static Rule rule(String name) {
        return RULES.rule(name).orElseThrow();
    }

    @Test
    void standaloneRunsEveryEnabledRuleAndAddsPolicyActions() {
        Detector d = new Detector(RULES, Policies.standalone(List.of(
                new Policy("p", true, List.of("Shadow read"), null, null, List.of(Action.DENY), null))));
        assertEquals(List.of("Shadow read", "Module load"), d.atExit().rules().stream().map(Rule::name).toList());
        assertEquals(List.of("Shadow read"), d.atEntry().rules().stream().map(Rule::name).toList());
        assertEquals(new Policies.Decision("p", EnumSet.of(Action.NOTIFY, Action.DENY)), d.decision(rule("Shadow read")));
        assertEquals(new Policies.Decision(null, EnumSet.of(Action.NOTIFY)), d.decision(rule("Module load")));
        assertNull(d.decision(rule("Quiet connect")));
    }

    @Test
    void connectedRunsOnlyCoveredRulesInScopeWithTheUnionOfActions() {
        List<Policy> bundle = List.of(
                new Policy("cred", true, null, List.of("credentials"), Priority.NOTICE, List.of(Action.NOTIFY), null),
                new Policy("cred-kill", true, null, List.of("credentials"), null, List.of(Action.KILL_PROCESS),
                        new Scope(null, "web", null, null)),
                new Policy("other-family", true, List.of("Module load"), null, null, List.of(Action.KILL_TASK),
                        new Scope(null, "batch", null, null)),
                new Policy("too-severe", true, null, List.of("kernel"), Priority.EMERGENCY, List.of(Action.NOTIFY), null),
                new Policy("disabled", false, List.of("Module load"), null, null, List.of(Action.NOTIFY), null),
                new Policy("named", true, List.of("Quiet connect"), null, null, List.of(Action.NOTIFY), null));
        Detector d = new Detector(RULES, Policies.connected(bundle, WEB));
        assertEquals(Set.of("Shadow read", "Quiet connect"), Set.copyOf(d.atExit().rules().stream().map(Rule::name).toList()),
                "a policy naming a rule runs it even though its file disables it");
        assertEquals(new Policies.Decision("cred", EnumSet.of(Action.NOTIFY, Action.KILL_PROCESS)), d.decision(rule("Shadow read")));
        assertNull(d.decision(rule("Module load")), "out of scope, below min priority, or disabled");
        assertEquals(List.of("Shadow read"), d.atEntry().rules().stream().map(Rule::name).toList(),
                "kill_process rules are also tried at entry");
    }

    @Test
    void trapSetFollowsTheRulesPlusStateKeepingAndSelfProtection() {
        Detector d = new Detector(RULES, Policies.NOTIFY_ALL);
        TrapSet set = TrapPlan.forEventTypes(d.eventTypes());
        for (String call : List.of("openat", "init_module", "finit_module", "execve", "chdir", "setuid", "kill", "ptrace")) {
            assertTrue(set.traps(SyscallTable.require(call)), call);
        }
        assertFalse(set.traps(SyscallTable.require("connect")), "the disabled rule needs no trap");
        assertFalse(set.traps(SyscallTable.require("close")));
        assertEquals(SyscallTable.all().size(), TrapPlan.everything().syscalls().size());
    }

    @Test
    void aConnectedWorkloadTrapsTheTableButCloseOnlyWhenARuleKnownAtStartNeedsIt() {
        TrapSet beforeAnyBundle = TrapPlan.connected(dev.peregrine.rules.condition.EventTypes.NONE);
        assertFalse(beforeAnyBundle.traps(SyscallTable.require("close")));
        for (String call : List.of("openat", "dup2", "connect", "unlinkat", "memfd_create", "mount", "kill", "chdir")) {
            assertTrue(beforeAnyBundle.traps(SyscallTable.require(call)), call);
        }
        assertEquals(SyscallTable.all().size() - 1, beforeAnyBundle.syscalls().size());

        RuleSet onClose = RuleLoader.load(List.of(new RulesFile("close.yaml", """
                - rule: Close of the audit log
                  desc: d
                  condition: evt.type = close and fd.name = /var/log/audit.log
                  output: closed
                  priority: WARNING
                """))).ruleSet().orElseThrow();
        Detector d = new Detector(onClose, Policies.NOTIFY_ALL);
        assertTrue(TrapPlan.connected(d.eventTypes()).traps(SyscallTable.require("close")));
        assertEquals(List.of("close"), TrapPlan.untrapped(beforeAnyBundle, d.eventTypes()),
                "a bundle arriving after the start names what it cannot see");
        assertEquals(List.of(), TrapPlan.untrapped(TrapPlan.connected(d.eventTypes()), d.eventTypes()));
    }
}
