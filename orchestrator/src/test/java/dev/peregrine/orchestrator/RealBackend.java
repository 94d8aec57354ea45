package dev.peregrine.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.protocol.ProtocolJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * The real Peregrine backend (module {@code backend}) on an H2 file database, on a fixed port
 * so that it can be stopped and started again to play an outage. It seeds Falco's rules and a
 * default policy on first start, as in production.
 */
final class RealBackend implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-token-orchestrator-tests";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Path dataDir;
    private final int port;
    private Backend backend;
    private String accessKey;

    RealBackend(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    RealBackend start() throws Exception {
        backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(port).withDb(null, dataDir)
                .withAdminToken(ADMIN_TOKEN).withAnnounce(new PrintStream(new ByteArrayOutputStream())));
        if (accessKey == null) {
            JsonNode created = admin("POST", "/api/v1/access-keys", "application/json", "{\"name\":\"orchestrator-tests\"}");
            accessKey = created.get("key").asText();
        }
        return this;
    }

    void stop() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    String accessKey() {
        return accessKey;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Uploads (creates or replaces) a rules file; the backend's bundle changes with it. */
    void putRulesFile(String name, String yaml) throws Exception {
        admin("PUT", "/api/v1/rules-files/" + name, "application/yaml", yaml);
    }

    /** {@code GET /api/v1/agents}: the orchestrators that sent heartbeats and their agents. */
    JsonNode agentsView() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url().resolve("/api/v1/agents"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        return ProtocolJson.mapper().readTree(r.body());
    }

    private JsonNode admin(String method, String path, String contentType, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url().resolve(path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return ProtocolJson.mapper().readTree(r.body());
    }

    /** The ids of all stored events; the table's unique key on id makes each appear once. */
    Set<String> storedIds() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = backend.database().connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM events")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** The stored JSON of one event, as the backend keeps it; null when absent. */
    String storedBody(String id) throws SQLException {
        try (Connection c = backend.database().connection();
             var s = c.prepareStatement("SELECT body FROM events WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    long storedCount() {
        return backend.events().total();
    }

    @Override
    public void close() {
        stop();
    }
}
