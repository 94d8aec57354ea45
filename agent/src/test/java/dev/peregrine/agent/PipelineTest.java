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

/** Events captured before policies arrive are kept (bounded) and evaluated once they do. */
class PipelineTest {
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
}
