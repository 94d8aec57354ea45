package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.orchestrator.Orchestrator;
import dev.peregrine.orchestrator.OrchestratorConfig;
import dev.peregrine.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent against the real orchestrator and the real backend (both in this JVM, on
 * loopback ports): policies from the backend's seeded bundle, alerts end up in the backend's
 * event store, and an orchestrator restart in the middle loses none.
 */
class ConnectedTest {
    static final String ADMIN = "admin-token-agent-tests";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;
    Backend backend;
    URI backendUrl;
    String accessKey;
    int agentPort;
    int metricsPort;
    Orchestrator orchestrator;

    @BeforeEach
    void start() throws Exception {
        int backendPort = freePort();
        backendUrl = URI.create("http://127.0.0.1:" + backendPort);
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(backendPort)
                .withDb(null, tmp.resolve("backend")).withAdminToken(ADMIN)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        accessKey = admin("POST", "/api/v1/access-keys", "{\"name\":\"agent-tests\"}").get("key").asText();
        agentPort = freePort();
        metricsPort = freePort();
        orchestrator = startOrchestrator();
    }

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        backend.close();
    }

    private Orchestrator startOrchestrator() throws Exception {
        return startOrchestrator(c -> c);
    }

    private Orchestrator startOrchestrator(java.util.function.UnaryOperator<OrchestratorConfig> more) throws Exception {
        Orchestrator o = Orchestrator.start(more.apply(OrchestratorConfig.of(backendUrl, accessKey, tmp.resolve("orchestrator"))
                .withPorts("127.0.0.1", agentPort, metricsPort)));
        waitFor(() -> ready(), "orchestrator ready with a bundle");
        return o;
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(backendUrl.resolve(path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, r.statusCode() / 100, method + " " + path + ": " + r.body());
        return ProtocolJson.mapper().readTree(r.body());
    }

    private List<JsonNode> storedEvents() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        admin("GET", "/api/v1/events?limit=500", null).path("events").forEach(out::add);
        return out;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private Agent agent(Map<String, String> extraEnv, ByteArrayOutputStream err) throws Exception {
        return agent(extraEnv, err, 10_000);
    }

    private Agent agent(Map<String, String> extraEnv, ByteArrayOutputStream err, int outboxMemory) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(AgentConfig.ORCHESTRATOR, "127.0.0.1:" + agentPort);
        env.putAll(extraEnv);
        AgentConfig config = AgentConfig.resolve(new AgentConfig.Flags(null, null, null, null, null, null, null, null), env)
                .withOutbox(outboxMemory, tmp.resolve("outbox"));
        return new Agent(config, env, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void alertsReachTheBackendAndAnOrchestratorRestartLosesNone() throws Exception {
        Path go = tmp.resolve("go");
        Path second = tmp.resolve("second");
        Path end = tmp.resolve("end");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Two alerts fit in memory: the rest of what is raised while the orchestrator is down overflows to disk.
        Agent agent = agent(Map.of(), err, 2);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(List.of("sh", "-c", "cat /etc/shadow > /dev/null; "
                        + "while [ ! -f " + go + " ]; do sleep 0.05; done; for i in 1 2 3 4 5; do cat /etc/shadow > /dev/null; done; "
                        + "touch " + second + "; while [ ! -f " + end + " ]; do sleep 0.05; done; exit 4"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waitFor(() -> count() >= 1, "the first alert in the backend");
        orchestrator.close();
        orchestrator = null;
        Files.writeString(go, "");
        waitFor(() -> Files.exists(second), "the alerts raised while the orchestrator is down");
        Thread.sleep(500);
        try (var spilled = Files.list(tmp.resolve("outbox"))) {
            assertTrue(spilled.anyMatch(f -> f.getFileName().toString().startsWith("outbox-")), "overflow files while down");
        }
        orchestrator = startOrchestrator();
        waitFor(() -> count() >= 6, "six alerts in the backend");
        Files.writeString(end, "");
        assertEquals(4, status.get(60, TimeUnit.SECONDS), err.toString());
        List<JsonNode> events = storedEvents();
        Set<String> ids = new HashSet<>();
        for (JsonNode e : events) {
            assertEquals("Read sensitive file untrusted", e.path("rule").asText(), e.toString());
            assertEquals("/etc/shadow", e.path("output_fields").path("fd.name").asText(), e.toString());
            ids.add(e.path("id").asText());
        }
        assertEquals(6, ids.size(), events.toString());
        assertEquals(6, events.size(), "no duplicates stored: " + events);
        try (var left = Files.list(tmp.resolve("outbox"))) {
            assertEquals(0, left.count(), "overflow files are removed once delivered");
        }
    }

    private long count() {
        try {
            return storedEvents().size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void tlsWithAPrivateCaAndAnAgentToken() throws Exception {
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=peregrine test CA");
        openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
        openssl(pki, "pkcs8", "-topk8", "-nocrypt", "-in", "server.key", "-out", "server.pk8");
        orchestrator.close();
        orchestrator = null;
        orchestrator = Orchestrator.start(OrchestratorConfig.of(backendUrl, accessKey, tmp.resolve("orchestrator"))
                .withPorts("127.0.0.1", agentPort, metricsPort).withAgentToken(java.util.Optional.of("agent-secret"))
                .withTls(java.util.Optional.of(new OrchestratorConfig.TlsConfig(java.util.Optional.of(pki.resolve("server.pem")),
                        java.util.Optional.of(pki.resolve("server.pk8"))))));
        waitFor(this::ready, "orchestrator ready");
        Map<String, String> tls = Map.of(AgentConfig.ORCHESTRATOR, "wss://127.0.0.1:" + agentPort,
                AgentConfig.CA_FILE, pki.resolve("ca.pem").toString(), "PEREGRINE_PRIORITY", "security",
                AgentConfig.POLICY_TIMEOUT, "15");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> good = new HashMap<>(tls);
        good.put(AgentConfig.AGENT_TOKEN, "agent-secret");
        assertEquals(0, agent(good, err).run(List.of("sh", "-c", "cat /etc/shadow > /dev/null")), err.toString());
        waitFor(() -> count() >= 1, "the alert over wss in the backend");

        ByteArrayOutputStream badErr = new ByteArrayOutputStream();
        Map<String, String> bad = new HashMap<>(tls);
        bad.put(AgentConfig.AGENT_TOKEN, "wrong");
        bad.put(AgentConfig.POLICY_TIMEOUT, "3");
        assertEquals(Agent.STATUS_NO_POLICY, agent(bad, badErr).run(List.of("true")));
        assertTrue(badErr.toString().contains("token"), badErr.toString());
    }

    @Test
    void securityModeWithoutPoliciesNeverStartsTheWorkload() throws Exception {
        orchestrator.close();
        orchestrator = null;
        Path marker = tmp.resolve("started");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = agent(Map.of("PEREGRINE_PRIORITY", "security", AgentConfig.POLICY_TIMEOUT, "2"), err);
        long start = System.nanoTime();
        int status = agent.run(List.of("touch", marker.toString()));
        assertEquals(Agent.STATUS_NO_POLICY, status);
        assertTrue(System.nanoTime() - start >= 1_900_000_000L);
        assertTrue(!Files.exists(marker), "the workload must not have run");
        assertTrue(err.toString().contains("PEREGRINE_PRIORITY=security"), err.toString());
    }

    @Test
    void aStopSignalWhileWaitingForPoliciesEndsTheAgent() throws Exception {
        orchestrator.close();
        orchestrator = null;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = agent(Map.of("PEREGRINE_PRIORITY", "security", AgentConfig.POLICY_TIMEOUT, "60"), err);
        Path marker = tmp.resolve("started");
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(List.of("touch", marker.toString()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000);
        assertTrue(agent.forward(15));
        assertEquals(128 + 15, status.get(10, TimeUnit.SECONDS), err.toString());
        assertTrue(!Files.exists(marker));
    }

    @Test
    void securityModeStartsOnceTheBundleIsCompiled() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path local = tmp.resolve("local-alerts.jsonl");
        Agent agent = agent(Map.of("PEREGRINE_PRIORITY", "security", AgentConfig.POLICY_TIMEOUT, "20",
                AgentConfig.OUTPUT, local.toString()), err);
        assertEquals(0, agent.run(List.of("sh", "-c", "cat /etc/shadow > /dev/null")), err.toString());
        waitFor(() -> count() >= 1, "the alert in the backend");
        String line = Files.readString(local);
        assertTrue(line.contains("Read sensitive file untrusted"), "PEREGRINE_OUTPUT also gets the alert in connected mode: " + line);
        JsonNode stored = storedEvents().getFirst();
        assertTrue(line.contains(stored.path("id").asText()), "same alert id locally and in the backend");
        assertTrue(!stored.path("policy").asText().isEmpty(), "a connected alert names its policy: " + stored);
    }

    @Test
    void availabilityWithATimeoutWaitsForPoliciesThenStartsAnyway() throws Exception {
        orchestrator.close();
        orchestrator = null;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = agent(Map.of(AgentConfig.POLICY_TIMEOUT, "2"), err);
        long start = System.nanoTime();
        Path marker = tmp.resolve("started");
        assertEquals(0, agent.run(List.of("touch", marker.toString())), err.toString());
        assertTrue(Files.exists(marker), "availability starts the workload after the timeout");
        assertTrue(System.nanoTime() - start >= 1_900_000_000L, "it waited for policies first");
    }

    @Test
    void availabilityModeStartsAtOnceAndEvaluatesBufferedEventsLater() throws Exception {
        orchestrator.close();
        orchestrator = null;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = agent(Map.of(), err);
        Path end = tmp.resolve("end");
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(List.of("sh", "-c", "cat /etc/shadow > /dev/null; while [ ! -f " + end + " ]; do sleep 0.05; done"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        assertEquals(0, count());
        orchestrator = startOrchestrator();
        waitFor(() -> count() >= 1, "the buffered event's alert in the backend");
        Files.writeString(end, "");
        assertEquals(0, status.get(60, TimeUnit.SECONDS), err.toString());
    }
}
