package dev.peregrine.bench.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's own correctness on a tiny run: every accepted event is stored once. Speed is not judged here. */
class IngestBenchmarkTest {
    @Test
    void everyAcceptedEventIsStored(@TempDir Path dir) throws Exception {
        IngestBenchmark.Options options = new IngestBenchmark.Options(List.of("h2"), Duration.ZERO, Duration.ofMillis(500), 2, 50, true);
        IngestBenchmark.Result r = IngestBenchmark.run("h2", null, dir, options, -1);
        // Each client finishes the batch it has in flight, so something was sent however loaded the machine is.
        assertTrue(r.totalSent() > 0, "some events were sent");
        assertTrue(r.events() <= r.totalSent());
        assertEquals(r.totalSent(), r.stored(), "stored exactly what was accepted");
        assertEquals(0, r.totalSent() % 50, "whole batches");
        assertTrue(r.clientCpuSeconds() >= 0 && r.clientCpuSeconds() <= r.cpuSeconds(), "clients' CPU is part of the process's: " + r);
    }
}
