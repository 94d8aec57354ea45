package dev.peregrine.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code peregrine run} as a process: the acceptance command, real signals to the agent, bad configuration. */
class RunCommandIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));
    private static final Path RULES = Path.of(System.getProperty("peregrine.root", ".."))
            .resolve("../../shared/falco-rules/falco_rules.yaml").normalize();

    @TempDir
    Path dir;

    private static Path rules() {
        return Files.exists(RULES) ? RULES : Path.of("/work/shared/falco-rules/falco_rules.yaml");
    }

    private Process start(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "run"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private String out() throws Exception {
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    }

    private String err() throws Exception {
        return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    }

    @Test
    void readingShadowPrintsTheFalcoAlertAndExitsWithCatsStatus() throws Exception {
        Process p = start(Map.of(), "--rules", rules().toString(), "--", "sh", "-c", "cat /etc/shadow > /dev/null; cat /nonexistent");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err());
        String all = out();
        String line = all.lines().filter(l -> l.contains("\"rule\":\"Read sensitive file untrusted\"")).findFirst()
                .orElseThrow(() -> new AssertionError(all));
        assertTrue(line.contains("\"fd.name\":\"/etc/shadow\""), line);
    }

    @Test
    void sigtermToTheAgentReachesTheWorkload() throws Exception {
        Path ready = dir.resolve("ready");
        Process p = start(Map.of(), "--rules", rules().toString(), "--", "sh", "-c",
                "trap 'exit 42' TERM; touch " + ready + "; while :; do sleep 0.05; done");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(ready)) {
            assertTrue(System.nanoTime() < end, "workload never started: " + err());
            Thread.sleep(20);
        }
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(42, p.exitValue(), err());
    }

    @Test
    void anInvalidVariableFailsFastNamingIt() throws Exception {
        Process p = start(Map.of("PEREGRINE_PRIORITY", "strict"), "--rules", rules().toString(), "--", "true");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(err().contains("PEREGRINE_PRIORITY") && err().contains("availability"), err());
    }
}
