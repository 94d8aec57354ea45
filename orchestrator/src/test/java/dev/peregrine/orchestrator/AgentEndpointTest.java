package dev.peregrine.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.orchestrator.agents.AgentEndpoint;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent WebSocket endpoint of an in-process orchestrator, against the real backend. */
class AgentEndpointTest {
    @TempDir
    Path data;
    RealBackend backend;
    Orchestrator orchestrator;
    final List<TestAgent> agents = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        backend = new RealBackend(data.resolve("backend")).start();
    }

    @AfterEach
    void stop() {
        agents.forEach(TestAgent::close);
        if (orchestrator != null) {
            orchestrator.close();
        }
        backend.close();
    }

    private void startOrchestrator(OrchestratorConfig.Limits limits, Optional<String> token) throws Exception {
        orchestrator = Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey(), data.resolve("orchestrator"))
                .withPorts("127.0.0.1", 0, 0).withLimits(limits).withAgentToken(token));
    }

    private void startOrchestrator() throws Exception {
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS.withMaxFrameBytes(64 * 1024), Optional.empty());
    }

    private TestAgent agent() throws Exception {
        TestAgent a = TestAgent.connect(orchestrator.agentPort());
        agents.add(a);
        return a;
    }

    private TestAgent welcomedAgent() throws Exception {
        TestAgent a = agent().hello();
        a.await(Message.Welcome.class);
        return a;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (http("/readyz").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("orchestrator never became ready");
            }
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> http(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestrator.metricsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesAgentsUntilItHoldsABundleThenWelcomesThem() throws Exception {
        backend.stop();
        startOrchestrator();
        assertEquals(503, http("/readyz").statusCode());
        assertEquals(200, http("/healthz").statusCode());

        TestAgent early = agent().hello();
        Message.Reject reject = early.await(Message.Reject.class);
        assertEquals(5, reject.retryAfterSeconds());
        assertTrue(reject.reason().contains("no policy bundle"), reject.reason());
        assertEquals(1000, early.awaitClose().code());

        backend.start();
        awaitReady();
        TestAgent later = agent().hello();
        Message.Welcome welcome = later.await(Message.Welcome.class);
        assertEquals("falco_rules.yaml", welcome.bundle().rulesFiles().getFirst().name());
        assertTrue(http("/readyz").body().contains(welcome.bundle().etag()));
    }

    @Test
    void welcomesAnAgentOfANewerMinorVersionThatSendsFieldsItDoesNotKnow() throws Exception {
        startOrchestrator();
        awaitReady();
        TestAgent newer = agent().sendRaw("{\"type\":\"hello\",\"agent_version\":\"0.2.0\",\"protocol\":1,"
                + "\"protocol_minor\":1,\"features\":[\"compression\"],\"metadata\":{\"agent_id\":\"n\"}}");
        newer.await(Message.Welcome.class);
        newer.sendRaw("{\"type\":\"events\",\"seq\":0,\"compressed\":false,\"alerts\":[{\"id\":\"newer-1\","
                + "\"time\":\"2026-11-28T21:00:00.000000000Z\",\"rule\":\"Shell spawned\",\"priority\":\"Warning\","
                + "\"sandbox\":{\"kind\":\"gvisor\"}}]}");
        assertEquals(0, newer.await(Message.Ack.class).seq());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (backend.storedBody("newer-1") == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String stored = backend.storedBody("newer-1");
        assertTrue(stored != null && stored.contains("gvisor"), "a field this orchestrator does not know reaches the backend: " + stored);
    }

    @Test
    void rejectsAnIncompatibleProtocolWithAReason() throws Exception {
        startOrchestrator();
        awaitReady();
        TestAgent a = agent().send(new Message.Hello("future-agent 9.0", 2, Map.of()));
        Message.Reject reject = a.await(Message.Reject.class);
        assertTrue(reject.reason().contains("incompatible protocol: agent speaks 2"), reject.reason());
        assertEquals(0, reject.retryAfterSeconds());
    }

    @Test
    void pushesEveryNewBundleToEveryAgentOnce() throws Exception {
        startOrchestrator();
        awaitReady();
        List<TestAgent> welcomed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            welcomed.add(welcomedAgent());
        }
        backend.putRulesFile("shells.yaml", Fixtures.RULES);
        String good = null;
        for (TestAgent a : welcomed) {
            Bundle update = a.await(Message.BundleUpdate.class, Duration.ofSeconds(30)).bundle();
            assertEquals(Fixtures.RULES, update.rulesFiles().getLast().content());
            good = update.etag();
        }
        for (TestAgent a : welcomed) {
            Message m;
            while ((m = a.received.poll()) != null) {
                assertTrue(m instanceof Message.Heartbeat, "one change, one push: " + m);
            }
        }
        assertTrue(http("/readyz").body().contains(good));
        assertTrue(http("/metrics").body().contains("peregrine_orchestrator_bundles_accepted_total 2.0"));
        TestAgent late = agent().hello();
        assertEquals(good, late.await(Message.Welcome.class).bundle().etag());
    }

    @Test
    void acknowledgesEventsAfterSpoolingAndForwardsThemToTheBackend() throws Exception {
        startOrchestrator();
        awaitReady();
        TestAgent a = welcomedAgent();
        for (int seq = 0; seq < 20; seq++) {
            a.events(seq, Fixtures.alerts("a" + seq, 10));
        }
        for (int seq = 0; seq < 20; seq++) {
            assertEquals(seq, a.await(Message.Ack.class).seq());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (backend.storedCount() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(200, backend.storedCount());
        assertTrue(backend.storedIds().contains("a7-3"));
    }

    @Test
    void garbageAndOversizedFramesCloseOnlyThatConnectionWithAReason() throws Exception {
        startOrchestrator();
        awaitReady();
        TestAgent good = welcomedAgent();

        TestAgent garbage = welcomedAgent().sendRaw("{not json");
        TestAgent.Closed c1 = garbage.awaitClose();
        assertEquals(1008, c1.code());
        assertTrue(c1.reason().startsWith("bad frame"), c1.reason());

        TestAgent badField = welcomedAgent().sendRaw("{\"type\":\"events\",\"seq\":-1,\"alerts\":[]}");
        TestAgent.Closed c2 = badField.awaitClose();
        assertEquals(1008, c2.code());
        assertTrue(c2.reason().contains("seq"), c2.reason());

        TestAgent badAlert = welcomedAgent().sendRaw("{\"type\":\"events\",\"seq\":0,\"alerts\":[{\"id\":\"a\",\"time\":\"t\","
                + "\"rule\":\"r\",\"priority\":\"Notice\",\"workload\":{\"cluster\":[\"x\"]}}]}");
        TestAgent.Closed c5 = badAlert.awaitClose();
        assertEquals(1008, c5.code());
        assertTrue(c5.reason().startsWith("bad frame at 'alerts[0].workload.cluster'") && c5.reason().contains("expected a string"),
                c5.reason());

        TestAgent oversized = welcomedAgent().sendRaw("{\"type\":\"heartbeat\",\"pad\":\"" + "x".repeat(100_000) + "\"}");
        TestAgent.Closed c3 = oversized.awaitClose();
        assertEquals(1009, c3.code());
        assertFalse(c3.reason().isBlank());

        TestAgent binary = welcomedAgent();
        binary.sendBinary(new byte[] {1, 2, 3});
        assertEquals(1003, binary.awaitClose().code());

        TestAgent early = agent().events(0, Fixtures.alerts("early", 1));
        TestAgent.Closed c4 = early.awaitClose();
        assertEquals(1008, c4.code());
        assertTrue(c4.reason().contains("before 'welcome'"), c4.reason());

        good.events(0, Fixtures.alerts("good", 3));
        assertEquals(0, good.await(Message.Ack.class).seq());
        assertTrue(good.isOpen());
        assertTrue(http("/metrics").body().contains("peregrine_orchestrator_agents_closed_bad_frames_total 6.0"));
    }

    @Test
    void closesSilentLinksAndConnectionsThatNeverSayHello() throws Exception {
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS.withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(600)), Optional.empty());
        awaitReady();
        TestAgent mute = agent();
        TestAgent.Closed noHello = mute.awaitClose();
        assertEquals(1008, noHello.code());
        assertTrue(noHello.reason().contains("no 'hello'"), noHello.reason());

        TestAgent silent = welcomedAgent();
        assertTrue(silent.await(Message.Heartbeat.class) != null, "the orchestrator sends heartbeats");
        TestAgent.Closed dead = silent.awaitClose();
        assertEquals(1001, dead.code());
        assertTrue(dead.reason().contains("3 heartbeats missed"), dead.reason());
    }

    @Test
    void anAgentFloodingFasterThanTheSpoolCanTakeIsClosedAlone() throws Exception {
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS.withMaxUnackedBatches(1), Optional.empty());
        awaitReady();
        TestAgent calm = welcomedAgent();
        TestAgent flood = welcomedAgent();
        // hundreds of frames in one burst: the second arrives long before the first is fsync'd
        try {
            for (int seq = 0; seq < 300; seq++) {
                flood.events(seq, Fixtures.alerts("flood-" + seq, 1));
            }
        } catch (java.util.concurrent.CompletionException closedWhileSending) {
            // the orchestrator closed the link mid-burst, as it should
        }
        TestAgent.Closed closed = flood.awaitClose();
        // the JDK client may report its own failed send instead of the close frame it was racing
        if (closed.code() != -1) {
            assertEquals(1008, closed.code());
            assertTrue(closed.reason().startsWith("flood:"), closed.reason());
        }
        assertTrue(http("/metrics").body().contains("peregrine_orchestrator_agents_closed_bad_frames_total 1.0"));
        calm.events(0, Fixtures.alerts("calm", 1));
        assertEquals(0, calm.await(Message.Ack.class).seq());
    }

    @Test
    void agentsBeyondTheConnectionLimitAreToldToComeBackLater() throws Exception {
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS.withMaxConnections(2), Optional.empty());
        awaitReady();
        welcomedAgent();
        welcomedAgent();
        TestAgent.Closed refused = agent().awaitClose();
        assertEquals(1013, refused.code());
        assertTrue(refused.reason().contains("connection limit of 2"), refused.reason());
    }

    @Test
    void overTheDiskBudgetEventsAreRefusedAndTheAgentResendsThemOnceThereIsRoom() throws Exception {
        orchestrator = Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey(), data.resolve("orchestrator"))
                .withPorts("127.0.0.1", 0, 0).withSpoolBudget(4_000));
        awaitReady();
        backend.stop();
        TestAgent a = welcomedAgent();
        for (int seq = 0; seq < 10; seq++) {
            a.events(seq, Fixtures.alerts("budget-" + seq, 5));
        }
        // acks in order up to the budget, then a reject that says how long to wait, and the link closes
        long acked = -1;
        Message.Reject reject;
        while (true) {
            Message m = a.await(Message.class);
            if (m instanceof Message.Heartbeat) {
                continue;
            }
            if (m instanceof Message.Ack ack) {
                assertEquals(acked + 1, ack.seq(), "acks in order");
                acked = ack.seq();
            } else {
                reject = (Message.Reject) m;
                break;
            }
        }
        assertTrue(acked >= 0 && acked < 9, "some batches fit in 4,000 bytes, not all: acked up to " + acked);
        assertEquals(AgentEndpoint.SPOOL_FULL_RETRY_S, reject.retryAfterSeconds());
        assertTrue(reject.reason().contains("spool full") && reject.reason().contains("seq " + (acked + 1)), reject.reason());
        assertEquals(1013, a.awaitClose().code());
        assertTrue(a.received.stream().noneMatch(m -> m instanceof Message.Ack), "nothing acknowledged after the refusal");
        String metrics = http("/metrics").body();
        double refused = metrics.lines().filter(l -> l.startsWith("peregrine_orchestrator_events_refused_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).sum();
        assertTrue(refused >= 5 && refused % 5 == 0, "whole batches refused and counted: " + refused);
        assertTrue(orchestrator.spool().bytesOnDisk() <= 4_000);

        // the backend comes back and the spool drains; the agent reconnects and resends what was not
        // acknowledged, and is refused again whenever the small budget is full
        backend.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long next = acked + 1;
        int refusals = 1;
        while (next < 10) {
            assertTrue(System.nanoTime() < deadline, "resending took too long; at seq " + next);
            while (orchestrator.forwarder().backlogBytes() > 0 || orchestrator.spool().bytesOnDisk() > 2_000) {
                Thread.sleep(20);
            }
            TestAgent again = welcomedAgent();
            for (boolean open = true; open && next < 10; ) {
                again.events(next, Fixtures.alerts("budget-" + next, 5));
                Message m = again.await(Message.class);
                while (m instanceof Message.Heartbeat) {
                    m = again.await(Message.class);
                }
                if (m instanceof Message.Ack ack) {
                    assertEquals(next, ack.seq());
                    next++;
                } else {
                    assertTrue(((Message.Reject) m).reason().contains("seq " + next), m.toString());
                    assertEquals(1013, again.awaitClose().code());
                    refusals++;
                    open = false;
                }
            }
        }
        assertTrue(refusals >= 2, "a 4,000-byte spool cannot take all 50 events at once: " + refusals + " refusal(s)");
        Set<String> expected = new HashSet<>();
        for (int seq = 0; seq < 10; seq++) {
            Fixtures.alerts("budget-" + seq, 5).forEach(alert -> expected.add(alert.id()));
        }
        while (!backend.storedIds().containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, backend.storedIds(), "every event stored, none lost");
    }

    @Test
    void reportsItselfAndItsAgentsToTheBackend() throws Exception {
        startOrchestrator();
        awaitReady();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!backend.agentsView().toString().contains(orchestrator.id()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(backend.agentsView().toString().contains(orchestrator.id()), backend.agentsView().toString());
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNothingOpen() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            OrchestratorConfig busy = OrchestratorConfig.of(backend.url(), backend.accessKey(), data.resolve("orchestrator"))
                    .withPorts("127.0.0.1", taken.getLocalPort(), 0);
            RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Orchestrator.start(busy));
            assertTrue(String.valueOf(e.getMessage()).contains(String.valueOf(taken.getLocalPort())), String.valueOf(e.getMessage()));
        }
        startOrchestrator();
        awaitReady();
        welcomedAgent().events(0, Fixtures.alerts("after-failed-start", 2)).await(Message.Ack.class);
    }

    @Test
    void agentTokenIsRequiredWhenConfigured() throws Exception {
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS, Optional.of("agent-secret"));
        awaitReady();
        URI uri = URI.create("ws://127.0.0.1:" + orchestrator.agentPort() + "/v1/agent");
        TestAgent wrong = TestAgent.connect(uri, "guess", HttpClient.newHttpClient()).hello();
        agents.add(wrong);
        assertTrue(wrong.await(Message.Reject.class).reason().contains("agent token"));
        TestAgent right = TestAgent.connect(uri, "agent-secret", HttpClient.newHttpClient()).hello();
        agents.add(right);
        assertTrue(right.await(Message.Welcome.class).bundle().etag().length() > 2);
    }

    @Test
    void servesTheSavedBundleAfterARestartWithoutBackend() throws Exception {
        startOrchestrator();
        awaitReady();
        String etag = agent().hello().await(Message.Welcome.class).bundle().etag();
        orchestrator.close();
        backend.stop();
        orchestrator = null;
        startOrchestrator();
        assertEquals(200, http("/readyz").statusCode());
        assertEquals(etag, agent().hello().await(Message.Welcome.class).bundle().etag());
    }
}
