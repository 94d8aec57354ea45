package dev.peregrine.e2e;

import static dev.peregrine.e2e.Distribution.await;
import static dev.peregrine.e2e.Distribution.unless;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.e2e.Distribution.Orchestrator;
import dev.peregrine.e2e.Distribution.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backend ← orchestrator process ← {@code peregrine run} process: alerts reach the backend, through crashes too. */
class ConnectedAgentIT {
    @TempDir
    Path dir;

    private LocalBackend backend;
    private TaskMetadataEndpoint metadata;
    private String accessKey;

    @BeforeEach
    void start() throws Exception {
        backend = LocalBackend.start(dir.resolve("backend"), 0);
        metadata = TaskMetadataEndpoint.start();
        accessKey = backend.createAccessKey("e2e");
    }

    @AfterEach
    void stop() {
        Distribution.stopAll();
        metadata.close();
        backend.close();
    }

    private Proc agent(String name, Orchestrator o, String script) throws Exception {
        return Distribution.start(dir, name, Map.of("PEREGRINE_PRIORITY", "security", "PEREGRINE_LOG_LEVEL", "info",
                        "FALCO_HOSTNAME", name, "ECS_CONTAINER_METADATA_URI_V4", metadata.uri()),
                "run", "--orchestrator", o.endpoint(), "--", "sh", "-c", script);
    }

    @Test
    void aSuspiciousActionIsQueryableInTheBackendWithItsWorkload() throws Exception {
        Orchestrator o = Orchestrator.start(dir, "orchestrator", backend.url(), accessKey, dir.resolve("spool"), 0);
        try {
            Proc agent = agent("agent-shadow", o, "cat /etc/shadow > /dev/null; exit 7");
            assertEquals(7, agent.awaitExit(Duration.ofSeconds(60)), agent.err());

            Map<String, String> filters = Map.of("task", TaskMetadataEndpoint.FAMILY, "container", TaskMetadataEndpoint.CONTAINER,
                    "cluster", TaskMetadataEndpoint.CLUSTER, "rule", "Read sensitive file untrusted");
            await("the alert in the backend", Duration.ofSeconds(30), () -> unless(backend.events(filters), l -> l.size() == 1, "events"));
            JsonNode alert = backend.events(filters).getFirst();
            JsonNode w = alert.path("workload");
            assertEquals(TaskMetadataEndpoint.CLUSTER, w.path("cluster").asText(), alert.toString());
            assertEquals(TaskMetadataEndpoint.TASK_ARN, w.path("task_arn").asText());
            assertEquals(TaskMetadataEndpoint.FAMILY, w.path("task_family").asText());
            assertEquals(TaskMetadataEndpoint.CONTAINER, w.path("container_name").asText());
            assertEquals(TaskMetadataEndpoint.IMAGE, w.path("image").asText());
            assertEquals(TaskMetadataEndpoint.ZONE, w.path("availability_zone").asText());
            assertEquals("Warning", alert.path("priority").asText());
            assertEquals("default", alert.path("policy").asText(), "the backend's default policy covers the upstream stable rules");
            assertEquals("/etc/shadow", alert.path("output_fields").path("fd.name").asText());
            assertEquals("agent-shadow", alert.path("hostname").asText());
            assertTrue(alert.path("output").asText().contains("file=/etc/shadow"), alert.toString());
        } finally {
            o.proc().stop();
        }
    }

    @Test
    void theOrchestratorKilledAndRestartedMidRunLosesNoAlert() throws Exception {
        int reads = 60;
        Path spool = dir.resolve("spool");
        Orchestrator first = Orchestrator.start(dir, "orchestrator-1", backend.url(), accessKey, spool, 0);
        Orchestrator second = null;
        try {
            Proc agent = agent("agent-crash", first, "i=0; while [ $i -lt " + reads + " ]; do cat /etc/shadow > /dev/null; "
                    + "i=$((i+1)); sleep 0.1; done");
            Map<String, String> mine = Map.of("text", "agent-crash", "rule", "Read sensitive file untrusted");
            await("the first alerts in the backend", Duration.ofSeconds(60),
                    () -> unless(backend.events(mine).size(), n -> n >= 3, "stored"));

            first.proc().kill9();
            int storedAtCrash = backend.events(mine).size();
            assertTrue(agent.process().isAlive(), "the workload must still be running when the orchestrator dies");
            Thread.sleep(1000); // the workload goes on raising alerts while no orchestrator listens
            second = Orchestrator.start(dir, "orchestrator-2", backend.url(), accessKey, spool, first.agentPort());

            assertEquals(0, agent.awaitExit(Duration.ofSeconds(90)), agent.err());
            await("every alert in the backend", Duration.ofSeconds(30),
                    () -> unless(backend.events(mine).size(), n -> n == reads, "stored"));
            List<JsonNode> events = backend.events(mine);
            Set<String> ids = new HashSet<>();
            events.forEach(e -> ids.add(e.path("id").asText()));
            assertEquals(reads, ids.size(), "each alert once");
            assertTrue(storedAtCrash < reads, "the crash happened mid-run (" + storedAtCrash + " stored at the crash)");
            assertTrue(agent.err().contains("connected to orchestrator") , agent.err());
        } finally {
            first.proc().stop();
            if (second != null) {
                second.proc().stop();
            }
        }
    }
}
