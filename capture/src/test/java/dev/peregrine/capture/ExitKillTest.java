package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dead agent must not leave an unmonitored workload behind (PTRACE_O_EXITKILL). */
class ExitKillTest {
    @Test
    void killingTheTracerKillsTheWorkload() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process tracer = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), HoldMain.class.getName(), "sleep", "60"))
                .redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(tracer.getInputStream())).readLine();
            assertNotNull(line, "the tracer printed nothing");
            assertTrue(line.startsWith("pid="), line);
            long pid = Long.parseLong(line.substring(4));
            ProcessHandle workload = ProcessHandle.of(pid).orElseThrow();
            assertTrue(workload.isAlive());
            tracer.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(tracer.waitFor(10, TimeUnit.SECONDS));
            for (int i = 0; i < 200 && workload.isAlive(); i++) {
                Thread.sleep(20);
            }
            assertFalse(workload.isAlive(), "the workload outlived its tracer");
        } finally {
            tracer.destroyForcibly();
        }
    }
}
