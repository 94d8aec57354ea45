package dev.peregrine.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.protocol.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent WebSocket endpoint of a real orchestrator, against a real HTTP backend. */
class AgentEndpointTest {
    @TempDir
    Path data;
    TestBackend backend;
    Orchestrator orchestrator;
    final List<TestAgent> agents = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("key-123");
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
        orchestrator = Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey, data)
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
        startOrchestrator();
        assertEquals(503, http("/readyz").statusCode());
        assertEquals(200, http("/healthz").statusCode());

        TestAgent early = agent().hello();
        Message.Reject reject = early.await(Message.Reject.class);
        assertEquals(5, reject.retryAfterSeconds());
        assertTrue(reject.reason().contains("no policy bundle"), reject.reason());
        assertEquals(1000, early.awaitClose().code());

        backend.setBundle(Fixtures.bundle("v1"));
        awaitReady();
        TestAgent later = agent().hello();
        Message.Welcome welcome = later.await(Message.Welcome.class);
        assertEquals("v1", welcome.bundle().etag());
        assertEquals(Fixtures.RULES, welcome.bundle().rulesFiles().getFirst().content());
    }

    @Test
    void rejectsAnIncompatibleProtocolWithAReason() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
        startOrchestrator();
        awaitReady();
        TestAgent a = agent().send(new Message.Hello("future-agent 9.0", 2, Map.of()));
        Message.Reject reject = a.await(Message.Reject.class);
        assertTrue(reject.reason().contains("incompatible protocol: agent speaks 2"), reject.reason());
        assertEquals(0, reject.retryAfterSeconds());
    }

    @Test
    void pushesEveryNewBundleToEveryAgentAndIgnoresBundlesThatDoNotCompile() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
        startOrchestrator();
        awaitReady();
        List<TestAgent> welcomed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            welcomed.add(welcomedAgent());
        }
        backend.setBundle(Fixtures.bundle("v2"));
        for (TestAgent a : welcomed) {
            assertEquals("v2", a.await(Message.BundleUpdate.class).bundle().etag());
        }
        backend.setBundle(Fixtures.brokenBundle("v3"));
        Thread.sleep(1500);
        assertTrue(http("/metrics").body().contains("peregrine_orchestrator_bundles_accepted_total 2.0"));
        for (TestAgent a : welcomed) {
            Message m;
            while ((m = a.received.poll()) != null) {
                assertTrue(m instanceof Message.Heartbeat, "a bundle that does not compile reached an agent: " + m);
            }
        }
        assertTrue(http("/readyz").body().contains("v2"));
        TestAgent late = welcomedAgent();
        assertTrue(late.isOpen());
    }

    @Test
    void acknowledgesEventsAfterSpoolingAndForwardsThemToTheBackend() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
        startOrchestrator();
        awaitReady();
        TestAgent a = welcomedAgent();
        for (int seq = 0; seq < 20; seq++) {
            a.events(seq, Fixtures.alerts("a" + seq, 10));
        }
        for (int seq = 0; seq < 20; seq++) {
            assertEquals(seq, a.await(Message.Ack.class).seq());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backend.stored.size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(200, backend.stored.size());
        assertTrue(backend.receipts.values().stream().allMatch(n -> n.get() == 1), "an alert reached the backend twice");
        assertEquals("shells", backend.stored.get("a7-3").policy());
    }

    @Test
    void garbageAndOversizedFramesCloseOnlyThatConnectionWithAReason() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
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
        assertTrue(http("/metrics").body().contains("peregrine_orchestrator_agents_closed_bad_frames_total 5.0"));
    }

    @Test
    void closesSilentLinksAndConnectionsThatNeverSayHello() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
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
    void agentTokenIsRequiredWhenConfigured() throws Exception {
        backend.setBundle(Fixtures.bundle("v1"));
        startOrchestrator(OrchestratorConfig.Limits.DEFAULTS, Optional.of("agent-secret"));
        awaitReady();
        URI uri = URI.create("ws://127.0.0.1:" + orchestrator.agentPort() + "/v1/agent");
        TestAgent wrong = TestAgent.connect(uri, "guess", HttpClient.newHttpClient()).hello();
        agents.add(wrong);
        assertTrue(wrong.await(Message.Reject.class).reason().contains("agent token"));
        TestAgent right = TestAgent.connect(uri, "agent-secret", HttpClient.newHttpClient()).hello();
        agents.add(right);
        assertEquals("v1", right.await(Message.Welcome.class).bundle().etag());
    }

    @Test
    void servesTheSavedBundleAfterARestartWithoutBackend() throws Exception {
        backend.setBundle(Fixtures.bundle("v7"));
        startOrchestrator();
        awaitReady();
        orchestrator.close();
        backend.stop();
        orchestrator = null;
        startOrchestrator();
        assertEquals(200, http("/readyz").statusCode());
        assertEquals("v7", agent().hello().await(Message.Welcome.class).bundle().etag());
    }
}
