package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.protocol.Alert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP API against a started server, once on H2 and once on PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabases.Kind.class)
class BackendApiTest {
    static final String ADMIN = "test-admin-token-0123456789";

    private final TestDatabases.Kind kind;
    private Path dir;
    private String dbUrl;
    private Backend backend;
    private Api admin;

    BackendApiTest(TestDatabases.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void start() {
        dir = TestDatabases.tempDir();
        dbUrl = TestDatabases.fresh(kind, dir);
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(dbUrl, dir).withAdminToken(ADMIN).withMaxBodyBytes(256 * 1024)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        admin = new Api("http://127.0.0.1:" + backend.port(), ADMIN);
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        TestDatabases.deleteTree(dir);
    }

    String newKey(String name) {
        return admin.postJson("/api/v1/access-keys", "{\"name\":\"" + name + "\"}").expect(201).json().get("key").asText();
    }

    @Test
    void accessKeyLifecycle() {
        Api.Response created = admin.postJson("/api/v1/access-keys", "{\"name\":\"vpc-a\"}").expect(201);
        JsonNode key = created.json();
        String secret = key.get("key").asText();
        String id = key.get("id").asText();
        assertTrue(secret.startsWith("pgk_") && secret.length() > 40, secret);

        JsonNode listed = admin.get("/api/v1/access-keys").expect(200).json().get("access_keys");
        assertEquals(1, listed.size());
        assertEquals("vpc-a", listed.get(0).get("name").asText());
        assertNull(listed.get(0).get("key"), "the secret is shown only once");
        assertFalse(admin.get("/api/v1/access-keys").body().contains(secret));

        Api orchestrator = admin.as(secret);
        orchestrator.get("/api/v1/bundle").expect(200);
        JsonNode forbidden = orchestrator.get("/api/v1/access-keys").expect(403).json();
        assertEquals("forbidden", forbidden.get("error").asText());

        admin.delete("/api/v1/access-keys/" + id).expect(200);
        JsonNode refused = orchestrator.get("/api/v1/bundle").expect(401).json();
        assertTrue(refused.get("message").asText().contains("revoked"), refused.toString());
        assertTrue(admin.get("/api/v1/access-keys/" + id).expect(200).json().get("revoked").asBoolean());
        admin.delete("/api/v1/access-keys/ak_nope").expect(404);

        assertEquals("unauthorized", admin.as(null).get("/api/v1/events").expect(401).json().get("error").asText());
        admin.as("pgk_forged").get("/api/v1/bundle").expect(401);
        admin.as(null).get("/healthz").expect(200);
    }

    @Test
    void firstStartSeedsDefaultRulesAndPolicy() {
        JsonNode files = admin.get("/api/v1/rules-files").expect(200).json().get("rules_files");
        assertEquals("falco_rules.yaml", files.get(0).get("name").asText());
        String yaml = admin.get("/api/v1/rules-files/falco_rules.yaml").expect(200).body();
        assertTrue(yaml.contains("SPDX-License-Identifier: Apache-2.0") && yaml.contains("- rule: Terminal shell in container"));
        JsonNode policy = admin.get("/api/v1/policies/default").expect(200).json();
        assertEquals("notice", policy.get("min_priority").asText());
        JsonNode bundle = admin.get("/api/v1/bundle").expect(200).json();
        assertEquals(1, bundle.get("rules_files").size());
        assertEquals("default", bundle.get("policies").get(0).get("name").asText());
    }

    @Test
    void brokenRulesFileIsRefusedWithPositionsAndNothingStored() {
        String etag = admin.get("/api/v1/bundle").expect(200).header("ETag");
        Api.Response refused = admin.putYaml("/api/v1/rules-files/custom.yaml",
                "- rule: broken\n  desc: x\n  condition: [unclosed\n").expect(422);
        JsonNode body = refused.json();
        assertEquals("invalid_rules", body.get("error").asText());
        JsonNode d = body.get("diagnostics").get(0);
        assertEquals("custom.yaml", d.get("file").asText());
        assertEquals("error", d.get("severity").asText());
        assertTrue(d.get("line").asInt() >= 3, d.toString());
        assertTrue(d.get("column").asInt() >= 1, d.toString());
        assertTrue(d.get("code").asText().startsWith("LOAD_ERR"), d.toString());
        assertTrue(body.get("message").asText().contains("custom.yaml:"), body.toString());

        admin.get("/api/v1/rules-files/custom.yaml").expect(404);
        assertEquals(etag, admin.get("/api/v1/bundle").header("ETag"));

        admin.putYaml("/api/v1/rules-files/not-a-list.yaml", "rule: x\n").expect(422);
        admin.get("/api/v1/rules-files/not-a-list.yaml").expect(404);
    }

    @Test
    void conditionErrorsAreReportedWithFalcoCodesAndPositions() {
        String yaml = """
                - rule: Shell with a typo
                  desc: a field name that does not exist
                  condition: spawned_process and proc.nmae = bash
                  output: shell (proc.name=%proc.name)
                  priority: WARNING
                """;
        JsonNode body = admin.putYaml("/api/v1/rules-files/typo.yaml", yaml).expect(422).json();
        JsonNode error = null;
        for (JsonNode d : body.get("diagnostics")) {
            if (d.get("severity").asText().equals("error")) {
                error = d;
                break;
            }
        }
        assertNotNull(error, body.toString());
        assertEquals("typo.yaml", error.get("file").asText());
        assertTrue(error.get("code").asText().startsWith("LOAD_ERR"), error.toString());
        assertEquals(3, error.get("line").asInt(), error.toString());
        assertTrue(error.get("message").asText().contains("proc.nmae"), error.toString());
        admin.get("/api/v1/rules-files/typo.yaml").expect(404);

        // The same rule with the field spelled right uses a macro of the default file: accepted.
        admin.putYaml("/api/v1/rules-files/typo.yaml", yaml.replace("proc.nmae", "proc.name")).expect(201);
        // And now the default file cannot go: the custom rule needs its spawned_process macro.
        JsonNode inUse = admin.delete("/api/v1/rules-files/falco_rules.yaml").expect(409).json();
        assertEquals("rules_in_use", inUse.get("error").asText());
        admin.get("/api/v1/rules-files/falco_rules.yaml").expect(200);
    }

    @Test
    void validRulesFileIsStoredInLoadOrderAndReplaced() {
        String yaml = "- macro: my_macro\n  condition: proc.name = nc\n";
        JsonNode created = admin.putYaml("/api/v1/rules-files/custom.yaml", yaml).expect(201).json();
        assertTrue(created.get("load_order").asInt() > 0);
        assertEquals(yaml, admin.get("/api/v1/rules-files/custom.yaml").expect(200).body());
        admin.putYaml("/api/v1/rules-files/custom.yaml", yaml + "- list: l\n  items: [a]\n").expect(200);
        admin.putYaml("/api/v1/rules-files/first.yaml?load_order=-5", "- list: early\n  items: []\n").expect(201);

        JsonNode bundle = admin.get("/api/v1/bundle").expect(200).json();
        List<String> names = new ArrayList<>();
        bundle.get("rules_files").forEach(f -> names.add(f.get("name").asText()));
        assertEquals(List.of("first.yaml", "falco_rules.yaml", "custom.yaml"), names);

        admin.delete("/api/v1/rules-files/custom.yaml").expect(204);
        admin.get("/api/v1/rules-files/custom.yaml").expect(404);
        admin.delete("/api/v1/rules-files/custom.yaml").expect(404);
        admin.putYaml("/api/v1/rules-files/..%2Fetc", "[]").expect(400);
    }

    @Test
    void policiesAreValidatedAndServed() {
        JsonNode p = admin.putJson("/api/v1/policies/kill-shells", """
                {"rules":["Terminal shell in container"],"min_priority":"warning","actions":["notify","kill_process"],
                 "scope":{"cluster":"prod","image_prefix":"nginx"}}""").expect(201).json();
        assertEquals("kill-shells", p.get("name").asText());
        assertEquals("kill_process", p.get("actions").get(1).asText());

        JsonNode bad = admin.putJson("/api/v1/policies/bad", "{\"tags\":[\"x\"],\"actions\":[\"explode\"]}").expect(400).json();
        assertTrue(bad.get("field").asText().startsWith("actions"), bad.toString());
        assertTrue(bad.get("message").asText().contains("kill_task"), bad.toString());
        JsonNode neither = admin.putJson("/api/v1/policies/bad", "{\"enabled\":true}").expect(400).json();
        assertEquals("rules", neither.get("field").asText());
        admin.putJson("/api/v1/policies/bad", "{\"name\":\"other\",\"tags\":[]}").expect(400);
        admin.get("/api/v1/policies/bad").expect(404);

        JsonNode bundle = admin.get("/api/v1/bundle").expect(200).json();
        assertEquals(2, bundle.get("policies").size());
        admin.delete("/api/v1/policies/kill-shells").expect(204);
        assertEquals(1, admin.get("/api/v1/policies").expect(200).json().get("policies").size());
    }

    @Test
    void bundleEtagAndLongPollWakeOnChange() throws Exception {
        Api orchestrator = admin.as(newKey("o"));
        Api.Response first = orchestrator.get("/api/v1/bundle").expect(200);
        String etag = first.header("ETag");
        assertNotNull(etag);
        assertEquals(etag, first.json().get("etag").asText());

        Api.Response notModified = orchestrator.send(orchestrator.request("/api/v1/bundle").header("If-None-Match", etag).GET().build());
        assertEquals(304, notModified.status());

        long t0 = System.nanoTime();
        Api.Response timedOut = orchestrator.send(orchestrator.request("/api/v1/bundle?wait=1").header("If-None-Match", etag).GET().build());
        assertEquals(304, timedOut.status());
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(900).toNanos(), "a long poll waits for its time");

        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> orchestrator.send(
                orchestrator.request("/api/v1/bundle?wait=30").header("If-None-Match", etag).GET().build()));
        Thread.sleep(300);
        assertFalse(poll.isDone(), "nothing changed yet");
        long changedAt = System.nanoTime();
        admin.putJson("/api/v1/policies/new", "{\"tags\":[\"network\"]}").expect(201);
        Api.Response woken = poll.get();
        long wokeAfter = System.nanoTime() - changedAt;
        assertEquals(200, woken.status());
        assertNotEquals(etag, woken.header("ETag"));
        assertTrue(woken.body().contains("\"new\""));
        assertTrue(wokeAfter < Duration.ofSeconds(10).toNanos(), "woken by the change, not by the 30 s timeout");

        orchestrator.get("/api/v1/bundle?wait=abc").expect(400);
        orchestrator.get("/api/v1/bundle?wait=999").expect(400);
    }

    @Test
    void aChangeThroughOneReplicaWakesLongPollsOnAnother() throws Exception {
        String key = newKey("o");
        try (Backend replica = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0).withDb(dbUrl, dir)
                .withAdminToken(ADMIN).withAnnounce(new PrintStream(new ByteArrayOutputStream())))) {
            Api onReplica = new Api("http://127.0.0.1:" + replica.port(), key);
            String etag = onReplica.get("/api/v1/bundle").expect(200).header("ETag");
            assertEquals(admin.as(key).get("/api/v1/bundle").header("ETag"), etag, "replicas agree on the ETag");
            CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> onReplica.send(
                    onReplica.request("/api/v1/bundle?wait=30").header("If-None-Match", etag).GET().build()));
            while (replica.bundle().waiting() == 0) {
                Thread.sleep(10);
            }
            admin.putJson("/api/v1/policies/from-the-other-replica", "{\"tags\":[\"x\"]}").expect(201);
            Api.Response woken = poll.get();
            assertEquals(200, woken.status());
            assertTrue(woken.body().contains("from-the-other-replica"));
        }
    }

    @Test
    void duplicateEventsAreCountedOnce() {
        Api orchestrator = admin.as(newKey("o"));
        Instant t = Instant.parse("2026-11-28T10:00:00.123456789Z");
        List<Alert> three = List.of(Alerts.alert("a1", t), Alerts.alert("a2", t), Alerts.alert("a3", t));
        JsonNode r1 = orchestrator.postJson("/api/v1/events", Alerts.json(three)).expect(200).json();
        assertEquals(3, r1.get("accepted").asInt());
        assertEquals(0, r1.get("duplicates").asInt());

        List<Alert> again = new ArrayList<>(three);
        again.add(Alerts.alert("a4", t));
        again.add(Alerts.alert("a4", t));
        JsonNode r2 = orchestrator.postGzipJson("/api/v1/events", Alerts.json(again)).expect(200).json();
        assertEquals(1, r2.get("accepted").asInt());
        assertEquals(4, r2.get("duplicates").asInt());
        assertEquals(4, backend.events().total());

        JsonNode events = admin.get("/api/v1/events").expect(200).json().get("events");
        assertEquals(4, events.size());
        JsonNode stored = events.get(0);
        assertEquals("prod", stored.get("workload").get("cluster").asText());
        assertEquals("2026-11-28T10:00:00.123456789Z", stored.get("time").asText(), "the alert is kept as sent");
    }

    @Test
    void concurrentCopiesOfOneBatchAreStoredOnce() throws Exception {
        Api orchestrator = admin.as(newKey("o"));
        List<Alert> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(Alerts.alert("race-" + i, Instant.parse("2026-11-28T10:00:00Z").plusMillis(i)));
        }
        String json = Alerts.json(batch);
        List<CompletableFuture<JsonNode>> posts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            posts.add(CompletableFuture.supplyAsync(() -> orchestrator.postJson("/api/v1/events", json).expect(200).json()));
        }
        int accepted = 0;
        int duplicates = 0;
        for (CompletableFuture<JsonNode> p : posts) {
            accepted += p.get().get("accepted").asInt();
            duplicates += p.get().get("duplicates").asInt();
        }
        assertEquals(200, accepted, "each alert accepted exactly once across the racing requests");
        assertEquals(5 * 200, duplicates);
        assertEquals(200, backend.events().total());
    }

    @Test
    void paginationIsStableWhileEventsArrive() {
        Api orchestrator = admin.as(newKey("o"));
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        List<Alert> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Two alerts share each second to exercise the tie-break on ingest order.
            batch.add(Alerts.alert("p" + i, base.plusSeconds(i / 2)));
        }
        orchestrator.postJson("/api/v1/events", Alerts.json(batch)).expect(200);

        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = admin.get("/api/v1/events?limit=10" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).json();
            page.get("events").forEach(e -> {
                assertTrue(seen.add(e.get("id").asText()), "no event twice: " + e.get("id"));
                order.add(e.get("time").asText());
            });
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            if (pages == 0) {
                // Newer events arriving between pages must not shift later pages.
                orchestrator.postJson("/api/v1/events", Alerts.json(List.of(Alerts.alert("late", base.plusSeconds(3600))))).expect(200);
            }
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(25, seen.size());
        List<String> sorted = new ArrayList<>(order);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, order, "newest first");

        admin.get("/api/v1/events?cursor=garbage").expect(400);
        admin.get("/api/v1/events?limit=0").expect(400);
    }

    @Test
    void eventFiltersAndCounts() {
        Api orchestrator = admin.as(newKey("o"));
        Instant t = Instant.parse("2026-11-28T12:00:00Z");
        orchestrator.postJson("/api/v1/events", Alerts.json(List.of(
                Alerts.alert("f1", t, "Terminal shell in container", "Notice", "prod", "app", "shell in app"),
                Alerts.alert("f2", t.plusSeconds(10), "Terminal shell in container", "Notice", "dev", "app", "shell in dev"),
                Alerts.alert("f3", t.plusSeconds(20), "Read sensitive file untrusted", "Warning", "prod", "db", "read /etc/shadow"),
                Alerts.alert("f4", t.plusSeconds(30), "Drop and execute new binary in container", "Critical", "prod", "app", "dropped /tmp/x")
        ))).expect(200);

        assertEquals(Set.of("f1", "f3", "f4"), ids(admin.get("/api/v1/events?cluster=prod")));
        assertEquals(Set.of("f1", "f2"), ids(admin.get("/api/v1/events?rule=Terminal%20shell%20in%20container")));
        assertEquals(Set.of("f3", "f4"), ids(admin.get("/api/v1/events?priority=warning")));
        assertEquals(Set.of("f3"), ids(admin.get("/api/v1/events?container=db")));
        assertEquals(Set.of("f3"), ids(admin.get("/api/v1/events?text=ETC%2FSHADOW")));
        assertEquals(Set.of("f2", "f3"), ids(admin.get("/api/v1/events?from=2026-11-28T12:00:05Z&to=2026-11-28T12:00:25Z")));
        assertEquals(Set.of("f1", "f3", "f4"), ids(admin.get("/api/v1/events?task=arn:aws:ecs:eu-west-1:123:task/prod/t1")));
        assertEquals(Set.of(), ids(admin.get("/api/v1/events?text=100%25")));

        JsonNode byRule = admin.get("/api/v1/events/counts?by=rule").expect(200).json();
        assertEquals("Terminal shell in container", byRule.get("counts").get(0).get("key").asText());
        assertEquals(2, byRule.get("counts").get(0).get("count").asInt());
        assertEquals(4, byRule.get("total").asInt());
        JsonNode byPriority = admin.get("/api/v1/events/counts?by=priority&cluster=prod").expect(200).json();
        assertEquals(3, byPriority.get("counts").size());
        assertEquals(3, byPriority.get("total").asInt());
        admin.get("/api/v1/events/counts?by=colour").expect(400);
        JsonNode badTime = admin.get("/api/v1/events?from=yesterday").expect(400).json();
        assertEquals("from", badTime.get("field").asText());
    }

    @Test
    void badRequestsAreAnsweredAndTheServerKeepsServing() {
        Api orchestrator = admin.as(newKey("o"));
        JsonNode malformed = orchestrator.postJson("/api/v1/events", "[{\"id\":\"x\",").expect(400).json();
        assertEquals("invalid_request", malformed.get("error").asText());
        assertTrue(malformed.get("message").asText().contains("not valid JSON"), malformed.toString());

        JsonNode missing = orchestrator.postJson("/api/v1/events",
                "[{\"id\":\"ok\",\"time\":\"2026-01-01T00:00:00Z\",\"rule\":\"r\",\"priority\":\"Notice\"},{\"id\":\"x\",\"time\":\"2026-01-01T00:00:00Z\",\"priority\":\"Notice\"}]")
                .expect(400).json();
        assertEquals("[1].rule", missing.get("field").asText());
        JsonNode badTime = orchestrator.postJson("/api/v1/events",
                "[{\"id\":\"x\",\"time\":\"noon\",\"rule\":\"r\",\"priority\":\"Notice\"}]").expect(400).json();
        assertEquals("[0].time", badTime.get("field").asText());
        JsonNode badPriority = orchestrator.postJson("/api/v1/events",
                "[{\"id\":\"x\",\"time\":\"2026-01-01T00:00:00Z\",\"rule\":\"r\",\"priority\":\"Loud\"}]").expect(400).json();
        assertEquals("[0].priority", badPriority.get("field").asText());
        orchestrator.postJson("/api/v1/events", "{\"not\":\"an array\"}").expect(400);
        JsonNode longCluster = orchestrator.postJson("/api/v1/events", Alerts.json(List.of(Alerts.alert("long", Instant.now(),
                "r", "Notice", "c".repeat(300), "app", "o")))).expect(400).json();
        assertEquals("[0].workload.cluster", longCluster.get("field").asText());
        JsonNode arrayCluster = orchestrator.postJson("/api/v1/events", "[{\"id\":\"x\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"rule\":\"r\",\"priority\":\"Notice\",\"workload\":{\"cluster\":[\"prod\"]}}]").expect(400).json();
        assertEquals("[0].workload.cluster", arrayCluster.get("field").asText());
        assertTrue(arrayCluster.get("message").asText().contains("expected a string, got an array"), arrayCluster.toString());
        assertEquals(0, backend.events().total(), "a rejected batch stores nothing");

        Api.Response wrongType = orchestrator.send(orchestrator.request("/api/v1/events").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build());
        assertEquals(415, wrongType.status());
        Api.Response yamlAsJson = admin.send(admin.request("/api/v1/rules-files/x.yaml").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("[]")).build());
        assertEquals(415, yamlAsJson.status());

        String big = "[" + "\"" + "x".repeat(300 * 1024) + "\"]";
        Api.Response tooBig = orchestrator.postJson("/api/v1/events", big);
        assertEquals(413, tooBig.status());
        assertEquals("payload_too_large", tooBig.json().get("error").asText());
        // A small gzip body that inflates past the limit is refused as well.
        Api.Response bomb = orchestrator.postGzipJson("/api/v1/events", "[" + " ".repeat(2 * 1024 * 1024) + "]");
        assertEquals(413, bomb.status());

        assertEquals("not_found", admin.get("/api/v1/nothing-here").expect(404).json().get("error").asText());
        Api.Response badGzip = orchestrator.send(orchestrator.request("/api/v1/events").header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString("not gzip")).build());
        assertEquals(400, badGzip.status());

        admin.as(null).get("/healthz").expect(200);
        orchestrator.postJson("/api/v1/events", Alerts.json(List.of(Alerts.alert("after", Instant.now())))).expect(200);
        assertEquals(1, backend.events().total());
    }

    @Test
    void heartbeatsShowUpInTheAgentsView() {
        Api orchestrator = admin.as(newKey("vpc-a"));
        JsonNode ack = orchestrator.postJson("/api/v1/orchestrators/heartbeat", """
                {"orchestrator_id":"orch-1","orchestrator_version":"0.1.0","spool_depth":2,"agents":[
                  {"agent_id":"task-1/app","agent_version":"0.1.0","protocol":1,"metadata":{"cluster":"prod"},"connected_at":"2026-11-28T12:00:00Z"},
                  {"agent_id":"task-2/app","agent_version":"0.1.1","protocol":1}]}""").expect(200).json();
        assertEquals(backend.bundle().current().etag(), ack.get("bundle_etag").asText());
        orchestrator.postJson("/api/v1/orchestrators/heartbeat", "{\"spool_depth\":1}").expect(400);

        JsonNode view = admin.get("/api/v1/agents").expect(200).json().get("orchestrators");
        assertEquals(1, view.size());
        JsonNode o = view.get(0);
        assertEquals("orch-1", o.get("id").asText());
        assertEquals(2, o.get("spool_depth").asInt());
        assertFalse(o.get("stale").asBoolean());
        assertEquals(2, o.get("agents").size());
        assertEquals("0.1.1", o.get("agents").get(1).get("agent_version").asText());
        assertEquals("prod", o.get("agents").get(0).get("metadata").get("cluster").asText());
        assertNotNull(o.get("last_seen").asText());

        orchestrator.postJson("/api/v1/orchestrators/heartbeat",
                "{\"orchestrator_id\":\"orch-1\",\"orchestrator_version\":\"0.1.0\",\"spool_depth\":0,\"agents\":[]}").expect(200);
        assertEquals(0, admin.get("/api/v1/agents").json().get("orchestrators").get(0).get("agents").size());
        orchestrator.get("/api/v1/agents").expect(403);
    }

    @Test
    void retentionDeletesOldEvents() {
        Api orchestrator = admin.as(newKey("o"));
        Instant now = Instant.now();
        orchestrator.postJson("/api/v1/events", Alerts.json(List.of(
                Alerts.alert("old", now.minus(Duration.ofDays(3))), Alerts.alert("new", now.minusSeconds(60))))).expect(200);
        assertEquals(30, admin.get("/api/v1/settings").expect(200).json().get("retention_days").asInt());
        admin.putJson("/api/v1/settings", "{\"retention_days\":0}").expect(400);
        assertEquals(2, admin.putJson("/api/v1/settings", "{\"retention_days\":2}").expect(200).json().get("retention_days").asInt());
        assertEquals(Set.of("new"), ids(admin.get("/api/v1/events")));
    }

    @Test
    void metricsAndHealth() {
        Api orchestrator = admin.as(newKey("o"));
        orchestrator.postJson("/api/v1/events", Alerts.json(List.of(Alerts.alert("m1", Instant.now())))).expect(200);
        JsonNode health = admin.as(null).get("/healthz").expect(200).json();
        assertEquals("ok", health.get("status").asText());
        String metrics = admin.as(null).get("/metrics").expect(200).body();
        assertTrue(metrics.contains("peregrine_events_accepted_total 1.0"), metrics);
        assertTrue(metrics.contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/events\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("hikaricp_connections"), "pool metrics");
        assertTrue(metrics.contains("jvm_memory_used_bytes"));
    }

    @Test
    void closeAnswersWaitingLongPollsAndStopsCleanly() throws Exception {
        Api orchestrator = admin.as(newKey("o"));
        String etag = orchestrator.get("/api/v1/bundle").header("ETag");
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> orchestrator.send(
                orchestrator.request("/api/v1/bundle?wait=30").header("If-None-Match", etag).GET().build()));
        while (backend.bundle().waiting() == 0) {
            Thread.sleep(10);
        }
        backend.close();
        backend = null;
        assertEquals(304, poll.get().status(), "the waiting orchestrator got an answer, not a reset connection");
    }

    private static Set<String> ids(Api.Response r) {
        Set<String> out = new HashSet<>();
        r.expect(200).json().get("events").forEach(e -> out.add(e.get("id").asText()));
        return out;
    }
}
