package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each policy action against a real workload. */
class ActionsTest {
    @TempDir
    Path dir;
    Path secret;
    Path rules;
    Path out;

    @BeforeEach
    void rules() throws Exception {
        secret = dir.resolve("secret.txt");
        Files.writeString(secret, "the secret\n");
        out = dir.resolve("out.txt");
        rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                - rule: Open the secret
                  desc: test rule on one file, decidable at the entry of the call
                  condition: evt.type in (open, openat, openat2) and fd.name = %s
                  output: secret opened (file=%%fd.name process=%%proc.name pid=%%proc.pid)
                  priority: CRITICAL
                  tags: [test_secret]
                - rule: Touch runs
                  desc: test rule on an exec
                  condition: evt.type in (execve, execveat) and proc.name = touch
                  output: touch started (cmdline=%%proc.cmdline)
                  priority: ERROR
                """.formatted(secret));
    }

    private String out() throws Exception {
        return Files.exists(out) ? Files.readString(out) : "";
    }

    @Test
    void notifyOnlyAlerts() throws Exception {
        Run run = Run.standalone(List.of(rules), List.of("rule:Open the secret=notify"), Map.of(),
                "sh", "-c", "cat " + secret + " > " + out);
        assertEquals(0, run.status, run.stderr);
        assertEquals("the secret\n", out());
        JsonNode a = run.alerts("Open the secret").getFirst();
        assertEquals(List.of("notify"), run.actions(a));
        assertEquals("cli-1", a.path("policy").asText());
        assertEquals(secret.toString(), a.path("output_fields").path("fd.name").asText());
    }

    @Test
    void denyReturnsEpermToTheWorkload() throws Exception {
        Run run = Run.standalone(List.of(rules), List.of("tag:test_secret=deny"), Map.of(),
                "sh", "-c", "cat " + secret + " > " + out + " 2>&1; echo rc=$? >> " + out + "; echo after >> " + out);
        assertEquals(0, run.status, run.stderr);
        String text = out();
        assertFalse(text.contains("the secret"), text);
        assertTrue(text.contains("Operation not permitted"), text);
        assertTrue(text.contains("rc=1"), text);
        assertTrue(text.contains("after"), text);
        List<JsonNode> alerts = run.alerts("Open the secret");
        assertEquals(1, alerts.size(), run.alerts.toString());
        assertEquals(List.of("deny", "notify"), run.actions(alerts.getFirst()));
        assertEquals(secret.toString(), alerts.getFirst().path("output_fields").path("fd.name").asText());
    }

    @Test
    void killProcessKillsTheOffenderBeforeTheCallRuns() throws Exception {
        Run run = Run.standalone(List.of(rules), List.of("rule:Open the secret=kill_process"), Map.of(),
                "sh", "-c", "cat " + secret + " > " + out + "; echo rc=$? >> " + out);
        assertEquals(0, run.status, run.stderr);
        String text = out();
        assertFalse(text.contains("the secret"), text);
        assertTrue(text.contains("rc=137"), "cat must have died of SIGKILL: " + text);
        JsonNode a = run.alerts("Open the secret").getFirst();
        assertEquals(List.of("notify", "kill_process"), run.actions(a));
    }

    @Test
    void killProcessOnAnExitOnlyRuleKillsAfterTheCall() throws Exception {
        // fd.num is known only at the exit: the rule cannot match at entry, the process dies after the open.
        Files.writeString(rules, """
                - rule: Secret descriptor
                  desc: needs the descriptor number
                  condition: evt.type in (open, openat) and fd.num >= 0 and fd.name = %s
                  output: secret fd (fd=%%fd.num)
                  priority: CRITICAL
                """.formatted(secret));
        long start = System.nanoTime();
        Run run = Run.standalone(List.of(rules), List.of("rule:Secret descriptor=kill_process"), Map.of(),
                "sh", "-c", "exec 3< " + secret + "; sleep 20");
        assertEquals(128 + 9, run.status, run.stderr);
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "the sleeping process must have been killed");
        assertEquals(List.of("notify", "kill_process"), run.actions(run.alerts("Secret descriptor").getFirst()));
    }

    @Test
    void killTaskStopsTheWholeWorkloadNonZero() throws Exception {
        long start = System.nanoTime();
        Run run = Run.standalone(List.of(rules), List.of("rule:Touch runs=kill_task"), Map.of(),
                "sh", "-c", "sleep 30 & touch " + dir.resolve("t") + "; sleep 30; echo done > " + out);
        assertNotEquals(0, run.status);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "the task must have been stopped");
        assertEquals("", out());
        assertEquals(List.of("notify", "kill_task"), run.actions(run.alerts("Touch runs").getFirst()));
    }

    @Test
    void selfProtectionRefusesSignalsToTheAgent() throws Exception {
        long self = ProcessHandle.current().pid();
        Run run = Run.standalone(List.of(rules), List.of(), Map.of(),
                "sh", "-c", "kill -CONT " + self + " 2> /dev/null; echo rc=$? > " + out + "; kill -0 " + self + "; echo probe=$? >> " + out);
        assertEquals(0, run.status, run.stderr);
        assertTrue(out().contains("rc=1"), out());
        assertTrue(out().contains("probe=0"), out());
        List<JsonNode> alerts = run.alerts(SelfProtection.RULE);
        assertEquals(1, alerts.size(), run.alerts.toString());
        assertEquals(List.of("deny", "notify"), run.actions(alerts.getFirst()));
        assertEquals("Critical", alerts.getFirst().path("priority").asText());
    }

    @Test
    void selfProtectionRefusesStoppingTheAgentsProcessGroup() throws Exception {
        // Without the refusal the test run itself (this JVM's process group) would stop.
        int agentGroup = SelfProtection.pgid((int) ProcessHandle.current().pid());
        assertTrue(agentGroup > 0);
        Run run = Run.standalone(List.of(rules), List.of(), Map.of(),
                "sh", "-c", "kill -s STOP -- -" + agentGroup + " 2> /dev/null; echo rc=$? > " + out + "; kill -s TSTP -- -" + agentGroup
                        + " 2>/dev/null; echo rc2=$? >> " + out + "; kill -USR1 0; echo own-group=$? >> " + out);
        assertEquals(128 + 10, run.status, "kill(0, ...) reaches the workload's own group only: " + run.stderr);
        assertTrue(out().contains("rc=1") && out().contains("rc2=1"), out());
        assertEquals(2, run.alerts(SelfProtection.RULE).size(), run.alerts.toString());
    }

    @Test
    void selfProtectionRefusesPtraceOfTheAgent() throws Exception {
        Path root = Path.of(System.getProperty("peregrine.root", ".."));
        Process p = new ProcessBuilder(root.resolve("scripts/ensure-packages.sh").toString(), "strace").inheritIO().start();
        assertEquals(0, p.waitFor());
        long self = ProcessHandle.current().pid();
        Run run = Run.standalone(List.of(rules), List.of(), Map.of(),
                "sh", "-c", "strace -p " + self + " > " + out + " 2>&1; echo rc=$? >> " + out);
        assertEquals(0, run.status, run.stderr);
        assertTrue(out().contains("Operation not permitted"), out());
        assertFalse(out().contains("rc=0"), out());
        List<JsonNode> alerts = run.alerts(SelfProtection.RULE);
        assertTrue(alerts.stream().anyMatch(a -> a.path("output_fields").path("evt.type").asText().equals("ptrace")), run.alerts.toString());
    }

    @Test
    void connectionsAreMatchedByServerAddressAtExitAndDeniedAtEntry() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Path net = dir.resolve("net.yaml");
            Files.writeString(net, """
                    - rule: Connect to the forbidden port
                      desc: test rule on a connection
                      condition: evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = %d
                      output: connection (connection=%%fd.name sip=%%fd.sip sport=%%fd.sport)
                      priority: CRITICAL
                    """.formatted(port));
            String script = "exec 2> " + out + "; exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo rc=$? >&2";

            Run notified = Run.standalone(List.of(net), List.of(), Map.of(), "bash", "-c", script);
            assertEquals(0, notified.status, notified.stderr);
            assertTrue(out().contains("rc=0"), out());
            JsonNode a = notified.alerts("Connect to the forbidden port").getFirst();
            assertEquals("127.0.0.1", a.path("output_fields").path("fd.sip").asText());
            assertEquals(port, a.path("output_fields").path("fd.sport").asInt());
            assertTrue(a.path("output_fields").path("fd.name").asText().endsWith("127.0.0.1:" + port), a.toString());

            Run denied = Run.standalone(List.of(net), List.of("rule:Connect to the forbidden port=deny"), Map.of(), "bash", "-c", script);
            assertEquals(0, denied.status, denied.stderr);
            assertTrue(out().contains("Operation not permitted") && !out().contains("rc=0"), out());
            assertEquals(List.of("deny", "notify"), denied.actions(denied.alerts("Connect to the forbidden port").getFirst()));
        }
    }
}
