package dev.peregrine.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.store.EventQuery;
import dev.peregrine.backend.store.EventStore;
import dev.peregrine.protocol.ProtocolJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Where the demo reads stored alerts from: newest first, at most one page of 1,000. */
sealed interface EventFeed {
    List<JsonNode> since(Instant from) throws IOException, InterruptedException;

    /** {@code GET /api/v1/events?from=…} with the admin token, as an operator's script would. */
    record Api(URI backend, String adminToken, HttpClient http) implements EventFeed {
        Api(URI backend, String adminToken) {
            this(backend, adminToken, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        }

        @Override
        public List<JsonNode> since(Instant from) throws IOException, InterruptedException {
            URI uri = URI.create(backend + "/api/v1/events?limit=" + EventQuery.MAX_LIMIT + "&from="
                    + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + uri.getPath() + " answered " + r.statusCode() + ": " + r.body());
            }
            List<JsonNode> out = new ArrayList<>();
            ProtocolJson.mapper().readTree(r.body()).path("events").forEach(out::add);
            return out;
        }
    }

    /**
     * The same query on the backend's store in this JVM: after the first start {@code up} no
     * longer knows the admin token (only its hash is stored) unless PEREGRINE_ADMIN_TOKEN gives it.
     */
    record Store(EventStore events) implements EventFeed {
        @Override
        public List<JsonNode> since(Instant from) throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (var raw : events.query(new EventQuery(from, null, null, null, null, null, null, null, null,
                    EventQuery.MAX_LIMIT)).events()) {
                out.add(ProtocolJson.mapper().readTree(String.valueOf(raw.rawValue())));
            }
            return out;
        }
    }
}
