package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upstream Falco rules against real commands under the real tracer. */
class StandaloneTest {
    @Test
    void readingShadowRaisesTheUpstreamAlertAndKeepsCatsStatus() throws Exception {
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "sh", "-c", "cat /etc/shadow > /dev/null");
        assertEquals(0, run.status, run.stderr);
        List<JsonNode> alerts = run.alerts("Read sensitive file untrusted");
        assertEquals(1, alerts.size(), "alerts: " + run.alerts);
        JsonNode a = alerts.getFirst();
        assertEquals("/etc/shadow", a.path("output_fields").path("fd.name").asText());
        assertEquals("cat", a.path("output_fields").path("proc.name").asText());
        assertEquals("Warning", a.path("priority").asText());
        assertTrue(a.path("output").asText().contains("file=/etc/shadow"), a.toString());
        assertEquals(List.of("notify"), run.actions(a));
        assertTrue(a.path("id").asText().length() >= 32);
        assertTrue(a.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z"));
    }

    @Test
    void exitStatusIsTheWorkloads() throws Exception {
        Run failed = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "sh", "-c", "cat /nonexistent 2>/dev/null");
        assertEquals(1, failed.status);
        Run signalled = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "sh", "-c", "kill -USR1 $$");
        assertEquals(128 + 10, signalled.status);
    }

    @Test
    void benignWorkRaisesNoAlert(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.txt"), "b\na\n");
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "sh", "-c",
                "cd " + dir + " && find /usr > list.txt && sort b.txt > sorted.txt && cp sorted.txt c.txt"
                        + " && mkdir -p d/e && mv c.txt d/e/ && ls -la /etc > /dev/null && cat /etc/hostname > /dev/null"
                        + " && wc -l list.txt > /dev/null && rm -r d && tar cf a.tar b.txt && gzip a.tar && echo ok > /dev/null");
        assertEquals(0, run.status, run.stderr);
        assertEquals(List.of(), run.alerts);
    }

    @Test
    void aSmallBuildRaisesNoAlert(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("peregrine.root", ".."));
        Process p = new ProcessBuilder(root.resolve("scripts/ensure-packages.sh").toString(), "gcc", "make").inheritIO().start();
        assertEquals(0, p.waitFor());
        Files.writeString(dir.resolve("h.c"), "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n");
        Files.writeString(dir.resolve("Makefile"), "all: h\nh: h.c\n\tcc -O2 -o h h.c\n");
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "sh", "-c",
                "cd " + dir + " && make -s > /dev/null && ./h > /dev/null");
        assertEquals(0, run.status, run.stderr);
        assertTrue(Files.exists(dir.resolve("h")));
        assertEquals(List.of(), run.alerts);
    }

    @Test
    void commandThatCannotStartIs127() throws Exception {
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(), "/nonexistent/program");
        assertEquals(Agent.STATUS_NOT_STARTED, run.status);
        assertTrue(run.stderr.contains("/nonexistent/program"), run.stderr);
    }
}
