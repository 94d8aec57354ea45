package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.agent.output.AlertSink;
import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.agent.policy.TrapPlan;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.Syscall;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill_process and kill_task rules that need exit-only fields ({@code fd.num}, {@code evt.res})
 * are evaluated at the call's exit stop, before the call returns: the workload never uses what
 * the call gave it.
 */
class ExitKillTest {
    private static final String RULE = "Read sensitive file untrusted";

    private static Detector upstreamWith(List<Action> actions) throws Exception {
        return new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.standalone(List.of(
                new Policy("kill-readers", true, List.of(RULE), null, null, actions, null))));
    }

    @Test
    void catOfShadowDiesBeforeItPrintsAnything(@TempDir Path dir) throws Exception {
        Detector detector = upstreamWith(List.of(Action.KILL_PROCESS));
        TrapSet traps = TrapPlan.forEventTypes(detector.eventTypes());
        Set<Syscall> hooked = TrapPlan.exitHooked(traps, detector.killingAtExit().eventTypes());
        assertTrue(hooked.stream().anyMatch(s -> s.name().equals("openat")), hooked.toString());
        assertFalse(hooked.stream().anyMatch(s -> s.name().equals("connect") || s.name().equals("execve")),
                "only the kill rule's calls stop at their exit for the hook: " + hooked);

        List<Alert> alerts = new CopyOnWriteArrayList<>();
        AlertSink sink = alerts::add;
        Supervisor sup = new Supervisor();
        Pipeline p = new Pipeline(Workload.UNKNOWN, null, "test-host", sink, sup, new SelfProtection(-2), 1000);
        p.install(detector);
        Path out = dir.resolve("stdout.txt");
        sup.start(LaunchSpec.of(List.of("sh", "-c", "cat /etc/shadow"), traps)
                .withStdio(Path.of("/dev/null"), out, dir.resolve("stderr.txt")), p, hooked);
        assertEquals(137, sup.awaitExit(Duration.ofSeconds(20)));
        String printed = Files.readString(out);
        String firstShadowLine = Files.readAllLines(Path.of("/etc/shadow")).getFirst();
        assertFalse(printed.contains(firstShadowLine), "the shadow file was printed: " + printed);
        assertEquals("", printed);
        List<Alert> mine = alerts.stream().filter(a -> a.rule().equals(RULE)).toList();
        assertEquals(1, mine.size(), alerts.toString());
        assertEquals(List.of("notify", "kill_process"), mine.getFirst().actions());
        assertEquals("/etc/shadow", mine.getFirst().outputFields().get("fd.name"));
    }

    @Test
    void peregrineRunKillsCatOfShadowUnderTheUpstreamRules() throws Exception {
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of("rule:" + RULE + "=kill_process"), Map.of(),
                "sh", "-c", "cat /etc/shadow > /dev/null");
        assertEquals(137, run.status, run.stderr);
        JsonNode a = run.alerts(RULE).getFirst();
        assertEquals(List.of("notify", "kill_process"), run.actions(a));
        assertEquals("/etc/shadow", a.path("output_fields").path("fd.name").asText());
    }

    @Test
    void killTaskAtExitRecordsKillTaskAndStopsTheWorkload() throws Exception {
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of("rule:" + RULE + "=kill_task"), Map.of(),
                "sh", "-c", "cat /etc/shadow > /dev/null; sleep 30");
        assertTrue(run.status != 0, run.stderr);
        assertEquals(List.of("notify", "kill_task"), run.actions(run.alerts(RULE).getFirst()));
    }

    @Test
    void notifyRulesStayAsynchronous() throws Exception {
        Detector notifyOnly = upstreamWith(List.of(Action.NOTIFY));
        TrapSet traps = TrapPlan.forEventTypes(notifyOnly.eventTypes());
        assertEquals(Set.of(), TrapPlan.exitHooked(traps, notifyOnly.killingAtExit().eventTypes()),
                "no kill rule, no exit hook");
    }
}
