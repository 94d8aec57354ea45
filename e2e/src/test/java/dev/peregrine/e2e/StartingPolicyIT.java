package dev.peregrine.e2e;

import static dev.peregrine.e2e.Distribution.await;
import static dev.peregrine.e2e.Distribution.unless;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.e2e.Distribution.Orchestrator;
import dev.peregrine.e2e.Distribution.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starting policies against an orchestrator that has no bundle yet (its backend is down):
 * security waits and fails after its timeout; availability starts at once; once the backend is
 * back, the waiting workload starts and both workloads' alerts arrive.
 */
class StartingPolicyIT {
    private static final String RULE = "Read sensitive file untrusted";

    @TempDir
    Path dir;

    @AfterEach
    void stopProcesses() {
        Distribution.stopAll();
    }

    private Proc agent(String name, Orchestrator o, Map<String, String> env, String script) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("FALCO_HOSTNAME", name);
        all.put("PEREGRINE_LOG_LEVEL", "info");
        return Distribution.start(dir, name, all, "run", "--orchestrator", o.endpoint(), "--", "sh", "-c", script);
    }

    @Test
    void securityWaitsForTheBundleOrFailsAfterItsTimeoutAndAvailabilityStartsAtOnce() throws Exception {
        Path data = dir.resolve("backend");
        int port = Distribution.freePort();
        String key;
        try (LocalBackend b = LocalBackend.start(data, port)) {
            key = b.createAccessKey("e2e");
        }
        // the backend is down: the orchestrator starts with no bundle and rejects agents
        Orchestrator o = Orchestrator.start(dir, "orchestrator", "http://127.0.0.1:" + port, key, dir.resolve("spool"), 0);
        LocalBackend backend = null;
        try {
            Path ranTimeout = dir.resolve("ran-timeout");
            Path ranSecurity = dir.resolve("ran-security");
            Path ranAvailability = dir.resolve("ran-availability");
            Path release = dir.resolve("release");
            Proc timeout = agent("host-timeout", o, Map.of("PEREGRINE_PRIORITY", "security", "PEREGRINE_POLICY_TIMEOUT_S", "3"),
                    "touch " + ranTimeout);
            Proc security = agent("host-security", o, Map.of("PEREGRINE_PRIORITY", "security", "PEREGRINE_POLICY_TIMEOUT_S", "120"),
                    "touch " + ranSecurity + "; cat /etc/shadow > /dev/null");
            Proc availability = agent("host-availability", o, Map.of("PEREGRINE_PRIORITY", "availability"),
                    "touch " + ranAvailability + "; cat /etc/shadow > /dev/null; while [ ! -e " + release + " ]; do sleep 0.1; done");

            await("the availability workload running without a bundle", Duration.ofSeconds(30),
                    () -> unless(ranAvailability, Files::exists, "missing"));
            assertEquals(3, timeout.awaitExit(Duration.ofSeconds(60)), timeout.err());
            assertFalse(Files.exists(ranTimeout), "security mode must never start the workload without policies");
            assertTrue(timeout.err().toLowerCase().contains("bundle"), "the reason is given: " + timeout.err());
            assertTrue(security.process().isAlive(), security.err());
            assertFalse(Files.exists(ranSecurity), "security mode waits for the bundle");

            backend = LocalBackend.start(data, port);
            assertEquals(0, security.awaitExit(Duration.ofSeconds(90)), security.err());
            assertTrue(Files.exists(ranSecurity));
            Files.createFile(release);
            assertEquals(0, availability.awaitExit(Duration.ofSeconds(60)), availability.err());

            LocalBackend b = backend;
            await("the security workload's alert", Duration.ofSeconds(30),
                    () -> unless(b.events(Map.of("rule", RULE, "text", "host-security")).size(), n -> n == 1, "stored"));
            // read before the bundle arrived: buffered, evaluated once it came
            await("the availability workload's alert", Duration.ofSeconds(30),
                    () -> unless(b.events(Map.of("rule", RULE, "text", "host-availability")).size(), n -> n == 1, "stored"));
        } finally {
            o.proc().stop();
            if (backend != null) {
                backend.close();
            }
        }
    }
}
