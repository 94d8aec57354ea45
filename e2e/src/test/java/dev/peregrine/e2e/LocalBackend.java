package dev.peregrine.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The real backend (H2 file) in the test JVM, used only through its HTTP API with an admin
 * token, as an operator would. It serves; the agents under test run in their own processes.
 */
final class LocalBackend implements AutoCloseable {
    static final String ADMIN_TOKEN = "e2e-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Backend backend;

    private LocalBackend(Backend backend) {
        this.backend = backend;
    }

    static LocalBackend start(Path dataDir, int port) {
        return new LocalBackend(Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(port)
                .withDb(null, dataDir).withAdminToken(ADMIN_TOKEN).withAnnounce(new PrintStream(OutputStream.nullOutputStream()))));
    }

    String url() {
        return "http://127.0.0.1:" + backend.port();
    }

    int port() {
        return backend.port();
    }

    String createAccessKey(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(admin("/api/v1/access-keys").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", name)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("creating an access key answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("key").asText();
    }

    /** Every event matching the filters ({@code GET /api/v1/events}), all pages, newest first. */
    List<JsonNode> events(Map<String, String> filters) throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            String query = filters.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            String path = "/api/v1/events?limit=1000" + (query.isEmpty() ? "" : "&" + query)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> r = HTTP.send(admin(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode page = JSON.readTree(r.body());
            page.path("events").forEach(all::add);
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    @Override
    public void close() {
        backend.close();
    }
}
