package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/rules}: the rules of the current bundle, their switches and the policies covering them. */
class RuleCatalogTest {
    static final String ADMIN = "rules-admin-token-0123456789";
    Backend backend;
    Api admin;

    @BeforeEach
    void start() {
        Path dir = TestDatabases.tempDir();
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(TestDatabases.fresh(TestDatabases.Kind.H2, dir), dir).withAdminToken(ADMIN)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        admin = new Api("http://127.0.0.1:" + backend.port(), ADMIN);
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    static JsonNode rule(JsonNode catalog, String name) {
        for (JsonNode r : catalog.get("rules")) {
            if (r.get("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + name + " in " + catalog);
    }

    @Test
    void listsRulesWithPositionSwitchAndCoveringPolicies() {
        JsonNode catalog = admin.get("/api/v1/rules").expect(200).json();
        assertEquals(backend.bundle().current().etag(), catalog.get("etag").asText());
        assertTrue(catalog.get("rules").size() > 20, "the default rules file has many rules");
        JsonNode shell = rule(catalog, "Terminal shell in container");
        assertEquals("falco_rules.yaml", shell.get("file").asText());
        assertEquals(713, shell.get("line").asInt());
        assertEquals("Notice", shell.get("priority").asText());
        assertTrue(shell.get("enabled").asBoolean());
        assertEquals("[\"default\"]", shell.get("policies").toString());
        List<String> tags = new ArrayList<>();
        shell.get("tags").forEach(t -> tags.add(t.asText()));
        assertTrue(tags.contains("maturity_stable"), tags::toString);

        admin.putYaml("/api/v1/rules-files/switches.yaml", """
                - rule: Terminal shell in container
                  override:
                    enabled: replace
                  enabled: false
                """).expect(201);
        admin.putJson("/api/v1/policies/default", """
                {"tags":["maturity_stable"],"min_priority":"notice","enabled":false}""").expect(200);
        JsonNode after = admin.get("/api/v1/rules").expect(200).json();
        assertFalse(after.get("etag").asText().equals(catalog.get("etag").asText()));
        assertFalse(rule(after, "Terminal shell in container").get("enabled").asBoolean());
        assertEquals(0, rule(after, "Terminal shell in container").get("policies").size(), "a disabled policy covers nothing");

        String key = admin.postJson("/api/v1/access-keys", "{\"name\":\"o\"}").expect(201).json().get("key").asText();
        admin.as(key).get("/api/v1/rules").expect(403);
    }
}
