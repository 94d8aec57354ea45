package dev.peregrine.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two orchestrators sharing nothing but the backend: an agent that loses its link to one and
 * reconnects to the other resends what was not acknowledged; the backend ends up with every
 * event exactly once.
 */
class TwoOrchestratorsTest {
    @TempDir
    Path tmp;

    @Test
    void anAgentMovingToTheOtherOrchestratorLosesNothingAndDuplicatesNothing() throws Exception {
        try (RealBackend backend = new RealBackend(tmp.resolve("backend")).start();
             Orchestrator a = Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey(), tmp.resolve("a")).withPorts("127.0.0.1", 0, 0));
             Orchestrator b = Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey(), tmp.resolve("b")).withPorts("127.0.0.1", 0, 0))) {
            TreeMap<Long, List<Alert>> unacked = new TreeMap<>();
            Set<String> sent = new HashSet<>();
            TestAgent toA = welcomed(a);
            for (long seq = 0; seq < 30; seq++) {
                List<Alert> batch = Fixtures.alerts("ha-" + seq, 10);
                batch.forEach(x -> sent.add(x.id()));
                unacked.put(seq, batch);
                toA.events(seq, batch);
            }
            // the link drops after some acks arrived: the rest are resent to the other orchestrator
            long lastAck = toA.await(Message.Ack.class).seq();
            toA.close();
            unacked.headMap(lastAck, true).clear();
            TestAgent toB = welcomed(b);
            for (var e : unacked.entrySet()) {
                toB.events(e.getKey(), e.getValue());
            }
            for (long seq = 30; seq < 40; seq++) {
                List<Alert> batch = Fixtures.alerts("ha-" + seq, 10);
                batch.forEach(x -> sent.add(x.id()));
                toB.events(seq, batch);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!backend.storedIds().equals(sent) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(sent, backend.storedIds());
            assertEquals(sent.size(), backend.storedCount());
            toB.close();
        }
    }

    private static TestAgent welcomed(Orchestrator o) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            TestAgent agent = TestAgent.connect(o.agentPort()).hello();
            Message first = agent.received.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            if (first instanceof Message.Welcome) {
                return agent;
            }
            agent.close();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not welcomed: " + first);
            }
            Thread.sleep(200);
        }
    }
}
