package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** CPU pinning of the tracer and the workload, observed from inside the real workload. */
class PinningTest {
    /** Prints the CPUs the shell may run on, twice, with a quiet pause in between. */
    private static final String TWICE = "grep Cpus_allowed_list /proc/self/status; sleep 0.8;"
            + " grep Cpus_allowed_list /proc/self/status";

    @Test
    void modesParseAndABadValueNamesTheVariable() {
        assertEquals(CpuPinning.AUTO, CpuPinning.parse(null));
        assertEquals(CpuPinning.AUTO, CpuPinning.parse(" "));
        assertEquals(CpuPinning.OFF, CpuPinning.parse("off"));
        assertEquals(CpuPinning.ON, CpuPinning.parse("ON"));
        assertEquals(CpuPinning.AUTO, CpuPinning.parse("auto"));
        var e = assertThrows(IllegalArgumentException.class, () -> CpuPinning.parse("sometimes"));
        assertTrue(e.getMessage().contains("PEREGRINE_CAPTURE_PIN") && e.getMessage().contains("sometimes"),
                e.getMessage());
    }

    @Test
    void autoGathersWhenBusyAndSpreadsWhenQuietOrSlow() {
        long busy = 0;
        assertTrue(Pinner.nextPinned(true, 5000, busy));
        assertTrue(Pinner.nextPinned(true, Pinner.SPREAD_BELOW, busy));
        assertFalse(Pinner.nextPinned(true, 10, busy), "few stops: spread");
        assertFalse(Pinner.nextPinned(true, 5000, Pinner.QUIET_NANOS), "a quiet spell spreads at once");
        assertFalse(Pinner.nextPinned(false, 1000, busy), "between the thresholds nothing changes");
        assertTrue(Pinner.nextPinned(true, 1000, busy), "between the thresholds nothing changes");
        assertTrue(Pinner.nextPinned(false, Pinner.GATHER_ABOVE + 1, busy));
    }

    @Test
    void onKeepsTheWorkloadOnTheTracersOneCpu(@TempDir Path dir) throws Exception {
        assumeTrue(CpuAffinity.get(0).cardinality() >= 2, "needs two CPUs");
        List<String> lines = run(dir, CpuPinning.ON);
        assertEquals(2, lines.size(), lines.toString());
        for (String l : lines) {
            assertEquals(1, cpus(l).cardinality(), l);
        }
    }

    @Test
    void offLeavesTheWorkloadOnEveryCpuTheAgentHas(@TempDir Path dir) throws Exception {
        BitSet mine = CpuAffinity.get(0);
        assumeTrue(mine.cardinality() >= 2, "needs two CPUs");
        List<String> lines = run(dir, CpuPinning.OFF);
        assertEquals(mine, cpus(lines.get(0)));
        assertEquals(mine, cpus(lines.get(1)));
    }

    @Test
    void autoStartsOnOneCpuAndSpreadsAQuietWorkloadOverAll(@TempDir Path dir) throws Exception {
        BitSet mine = CpuAffinity.get(0);
        assumeTrue(mine.cardinality() >= 2, "needs two CPUs");
        TracedWorkload[] w = new TracedWorkload[1];
        List<String> lines = run(dir, CpuPinning.AUTO, w);
        // The first line may already be spread when the machine is so busy that the shell got no
        // CPU for 20 ms before it printed; the start on one CPU is what the watcher reports.
        assertTrue(w[0].pinner().cpu() >= 0, "started on one CPU");
        assertTrue(w[0].pinner().switches() >= 1, "spread at least once");
        assertEquals(mine, cpus(lines.get(1)), "after a quiet 0.8 s the workload has every CPU back: " + lines);
    }

    private static List<String> run(Path dir, CpuPinning mode) throws Exception {
        return run(dir, mode, new TracedWorkload[1]);
    }

    private static List<String> run(Path dir, CpuPinning mode, TracedWorkload[] started) throws Exception {
        Path out = dir.resolve("out");
        LaunchSpec spec = LaunchSpec.of(List.of("sh", "-c", TWICE), Traced.set("openat"))
                .withStdio(Path.of("/dev/null"), out, out).withPinning(mode);
        TracedWorkload w = Capture.start(spec, e -> { }, SyscallHook.ALLOW_ALL);
        started[0] = w;
        ExitStatus s = w.waitFor(Duration.ofSeconds(30)).orElseThrow();
        assertEquals(0, s.code(), Files.readString(out));
        return Files.readAllLines(out);
    }

    /** "Cpus_allowed_list:\t0-1,4" as a set. */
    private static BitSet cpus(String line) {
        BitSet b = new BitSet();
        for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
            String[] r = part.split("-");
            int from = Integer.parseInt(r[0]);
            int to = r.length > 1 ? Integer.parseInt(r[1]) : from;
            b.set(from, to + 1);
        }
        return b;
    }
}
