package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built UI is served at / without a token, with a strict Content-Security-Policy; the API stays behind auth. */
class WebUiTest {
    Backend backend;
    Api anonymous;

    @BeforeEach
    void start() {
        assumeFalse(Boolean.getBoolean("peregrine.ui.skip"), "built without the web UI");
        Path dir = TestDatabases.tempDir();
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(TestDatabases.fresh(TestDatabases.Kind.H2, dir), dir).withAdminToken("ui-admin-token-0123456789")
                .withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        anonymous = new Api("http://127.0.0.1:" + backend.port(), null);
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void indexAndAssetsAreServedWithoutTokenAndOnlyFromThisOrigin() {
        Api.Response index = anonymous.get("/").expect(200);
        assertTrue(index.header("Content-Type").startsWith("text/html"), index.header("Content-Type"));
        String csp = index.header("Content-Security-Policy");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("connect-src 'self'"), csp);
        assertTrue(index.body().contains("<div id=\"app\">"), index.body());
        assertTrue(!index.body().contains("http://") && !index.body().contains("https://"), "index.html refers to another origin");

        Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index.body());
        assertTrue(script.find(), index.body());
        Api.Response js = anonymous.get(script.group(1)).expect(200);
        assertTrue(js.header("Content-Type").contains("javascript"), js.header("Content-Type"));
        assertTrue(js.body().contains("/api/v1/events"));

        assertEquals("unauthorized", anonymous.get("/api/v1/events").expect(401).json().get("error").asText());
        assertEquals("not_found", anonymous.get("/no-such-page").expect(404).json().get("error").asText());
    }
}
