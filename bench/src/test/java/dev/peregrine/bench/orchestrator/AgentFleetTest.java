package dev.peregrine.bench.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's agents against a real orchestrator and backend: welcomed, every batch
 * acknowledged and stored once, and kept alive by their heartbeats through a quiet spell longer
 * than the orchestrator's dead-link limit. Speed is not judged here.
 */
class AgentFleetTest {
    @Test
    void agentsAreWelcomedAcknowledgedStoredAndKeptAlive(@TempDir Path dir) throws Exception {
        try (Backend backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(null, dir.resolve("backend")).withAdminToken(AgentLoadBenchmark.ADMIN)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())))) {
            URI url = URI.create("http://127.0.0.1:" + backend.port());
            try (OrchestratorUnderLoad orchestrator = OrchestratorUnderLoad.start(url, AgentLoadBenchmark.accessKey(url), dir.resolve("o"))) {
                orchestrator.awaitReady();
                try (AgentFleet agents = AgentFleet.connect(new InetSocketAddress("127.0.0.1", orchestrator.agentPort), 3, 2)) {
                    agents.awaitWelcomed(Duration.ofSeconds(60));
                    long start = System.nanoTime();
                    agents.send(start, start, start + TimeUnit.SECONDS.toNanos(1), Duration.ofMillis(100));
                    agents.awaitSendsDone();
                    long sent = agents.sentTotal.get();
                    assertTrue(sent > 0 && sent % 2 == 0, "whole batches of 2 were sent: " + sent);
                    awaitTrue(() -> agents.ackLatenciesSorted().length == sent / 2, "every batch acknowledged");
                    awaitTrue(() -> backend.events().total() == sent, "every event stored");
                    // quiet for longer than the orchestrator lets a link be silent (6 s) plus its check
                    // interval (2 s): only heartbeats flow
                    Thread.sleep(9_000);
                    assertEquals(Map.of(), agents.closeReasons, "no link closed");
                    assertEquals(sent, backend.events().total(), "stored once");
                    assertEquals(0, agents.sendErrors.get());
                }
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
