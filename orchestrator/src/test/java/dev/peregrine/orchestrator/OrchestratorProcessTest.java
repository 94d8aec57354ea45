package dev.peregrine.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator as a real process with real sockets against the real backend: gating,
 * fan-out, bad frames, kill -9 during a stream, and a backend outage.
 */
class OrchestratorProcessTest {
    @TempDir
    Path tmp;
    RealBackend backend;
    final List<OrchestratorProcess> processes = new ArrayList<>();
    final List<TestAgent> agents = new ArrayList<>();

    @BeforeEach
    void backend() throws Exception {
        backend = new RealBackend(tmp.resolve("backend")).start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        agents.forEach(TestAgent::close);
        for (OrchestratorProcess p : processes) {
            p.close();
        }
        backend.close();
    }

    private OrchestratorProcess orchestrator() throws Exception {
        OrchestratorProcess p = OrchestratorProcess.start(backend.url(), backend.accessKey(), tmp.resolve("data"), tmp.resolve("orchestrator.log"));
        processes.add(p);
        return p;
    }

    private TestAgent agent(OrchestratorProcess p) throws Exception {
        TestAgent a = TestAgent.connect(p.agentPort);
        agents.add(a);
        return a;
    }

    private static int readyz(OrchestratorProcess p) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.metricsPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    private Set<String> storedIds() {
        try {
            return backend.storedIds();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitReady(OrchestratorProcess p) throws InterruptedException {
        await("/readyz 200", Duration.ofSeconds(20), () -> {
            try {
                return readyz(p) == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void gatesAgentsOnTheFirstBundlePushesChangesAndSurvivesBadFrames() throws Exception {
        backend.stop();
        OrchestratorProcess p = orchestrator();
        assertEquals(503, readyz(p));
        Message.Reject reject = agent(p).hello().await(Message.Reject.class);
        assertEquals(5, reject.retryAfterSeconds());
        assertTrue(reject.reason().contains("no policy bundle"), reject.reason());

        backend.start();
        awaitReady(p);
        List<TestAgent> welcomed = new ArrayList<>();
        String first = null;
        for (int i = 0; i < 10; i++) {
            TestAgent a = agent(p).hello();
            Bundle bundle = a.await(Message.Welcome.class).bundle();
            assertEquals("falco_rules.yaml", bundle.rulesFiles().getFirst().name(), "the backend's seeded bundle");
            first = bundle.etag();
            welcomed.add(a);
        }
        agent(p).hello().await(Message.Welcome.class);
        TestAgent garbage = agents.getLast().sendRaw("\u0000\u0001 not a frame");
        assertEquals(1008, garbage.awaitClose().code());
        TestAgent huge = agent(p).hello();
        huge.await(Message.Welcome.class);
        huge.sendRaw("{\"type\":\"heartbeat\",\"x\":\"" + "y".repeat(5 << 20) + "\"}");
        assertEquals(1009, huge.awaitClose().code());

        backend.putRulesFile("shells.yaml", Fixtures.RULES);
        for (TestAgent a : welcomed) {
            Bundle update = a.await(Message.BundleUpdate.class, Duration.ofSeconds(30)).bundle();
            assertTrue(!update.etag().equals(first), "a new etag");
            assertTrue(update.rulesFiles().stream().anyMatch(f -> f.name().equals("shells.yaml")));
            assertTrue(a.isOpen());
        }
    }

    /** An agent with an at-least-once outbox: batches stay until acknowledged and are resent on reconnect. */
    private static final class StreamingAgent {
        final String name;
        final TreeMap<Long, List<Alert>> unacked = new TreeMap<>();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final Set<String> sent = new HashSet<>();
        long nextSeq;
        TestAgent link;

        StreamingAgent(String name) {
            this.name = name;
        }

        void connect(TestAgent agent) throws Exception {
            link = agent.hello();
            link.await(Message.Welcome.class);
            for (var e : unacked.entrySet()) {
                link.events(e.getKey(), e.getValue());
            }
        }

        void sendBatch(int size) {
            List<Alert> alerts = Fixtures.alerts(name + "-" + nextSeq, size);
            alerts.forEach(a -> sent.add(a.id()));
            unacked.put(nextSeq, alerts);
            try {
                link.events(nextSeq++, alerts);
            } catch (RuntimeException linkDown) {
                // the orchestrator died under us: the batch stays unacknowledged and is resent
            }
        }

        /** Takes in the acks that arrived so far. */
        void drainAcks() {
            Message m;
            while ((m = link.received.poll()) != null) {
                if (m instanceof Message.Ack ack) {
                    var done = unacked.headMap(ack.seq(), true);
                    done.values().forEach(batch -> batch.forEach(a -> acked.add(a.id())));
                    done.clear();
                }
            }
        }
    }

    @Test
    void killMinus9DuringAStreamLosesNoAcknowledgedEventAndStoresEachOnce() throws Exception {
        OrchestratorProcess first = orchestrator();
        awaitReady(first);
        List<StreamingAgent> streams = List.of(new StreamingAgent("a"), new StreamingAgent("b"), new StreamingAgent("c"));
        for (StreamingAgent s : streams) {
            s.connect(agent(first));
        }
        Thread killer = null;
        for (int round = 0; round < 100; round++) {
            for (StreamingAgent s : streams) {
                s.sendBatch(25);
                s.drainAcks();
            }
            if (round == 40) {
                // SIGKILL while the agents keep streaming
                killer = Thread.ofVirtual().start(() -> {
                    try {
                        first.kill9();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            Thread.sleep(5);
        }
        killer.join();
        streams.forEach(StreamingAgent::drainAcks);
        Set<String> ackedBeforeKill = new HashSet<>();
        streams.forEach(s -> ackedBeforeKill.addAll(s.acked));
        assertTrue(ackedBeforeKill.size() > 100, "the stream was acknowledged before the kill: " + ackedBeforeKill.size());
        int unackedAtKill = streams.stream().mapToInt(s -> s.unacked.size()).sum();

        OrchestratorProcess second = orchestrator();
        awaitReady(second);
        for (StreamingAgent s : streams) {
            s.connect(agent(second));
            for (int i = 0; i < 5; i++) {
                s.sendBatch(25);
            }
        }
        Set<String> allSent = new HashSet<>();
        streams.forEach(s -> allSent.addAll(s.sent));
        await("every event at the backend", Duration.ofSeconds(30), () -> {
            streams.forEach(StreamingAgent::drainAcks);
            return streams.stream().allMatch(s -> s.unacked.isEmpty()) && storedIds().containsAll(allSent);
        });
        Set<String> stored = storedIds();
        assertTrue(stored.containsAll(ackedBeforeKill), "an acknowledged event was lost");
        assertEquals(allSent, stored, "the backend holds exactly the events sent");
        assertEquals(allSent.size(), backend.storedCount(), "each event stored once");
        System.out.printf("kill -9: %d events sent, %d acknowledged before the kill, %d batches unacknowledged at the kill (resent)%n",
                allSent.size(), ackedBeforeKill.size(), unackedAtKill);
    }

    @Test
    void backendDownForAWhileThenUpLosesNothing() throws Exception {
        OrchestratorProcess p = orchestrator();
        awaitReady(p);
        backend.stop();
        StreamingAgent s = new StreamingAgent("outage");
        s.connect(agent(p));
        for (int i = 0; i < 40; i++) {
            s.sendBatch(50);
        }
        await("acks while the backend is down", Duration.ofSeconds(20), () -> {
            s.drainAcks();
            return s.unacked.isEmpty();
        });
        Thread.sleep(1500);
        backend.start();
        await("the spool to drain into the backend", Duration.ofSeconds(60), () -> storedIds().size() == 2000);
        assertEquals(s.sent, storedIds());
        assertEquals(2000, backend.storedCount());
    }
}
