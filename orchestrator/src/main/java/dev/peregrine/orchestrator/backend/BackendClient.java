package dev.peregrine.orchestrator.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.OrchestratorHeartbeat;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The orchestrator's side of the backend REST contract (ARCHITECTURE §5): bundle long poll,
 * event ingest, heartbeat. Every request carries {@code Authorization: Bearer <access key>}.
 */
public final class BackendClient {
    /** How long the backend may hold a bundle request open. */
    public static final int LONG_POLL_SECONDS = 25;

    private final URI base;
    private final String authorization;
    private final boolean gzip;
    private final HttpClient http;

    public BackendClient(URI base, String accessKey, boolean gzip) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.authorization = "Bearer " + accessKey;
        this.gzip = gzip;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A non-2xx answer; {@link #permanent()} ones will not get better by retrying the same request. */
    public static final class BackendException extends IOException {
        private final int status;

        public BackendException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** 4xx other than auth, timeout and rate limiting: the request itself is wrong. */
        public boolean permanent() {
            return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
        }
    }

    /** Result of one bundle poll: a new bundle, or not modified. */
    public sealed interface BundlePoll {
        record Changed(Bundle bundle, String etag) implements BundlePoll {
        }

        record NotModified() implements BundlePoll {
        }
    }

    /** {@code GET /api/v1/bundle?wait=S} with {@code If-None-Match}; returns after at most about {@code waitSeconds}. */
    public BundlePoll pollBundle(Optional<String> etag, int waitSeconds) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/bundle" + (waitSeconds > 0 ? "?wait=" + waitSeconds : "")))
                .timeout(Duration.ofSeconds(waitSeconds + 15L))
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .GET();
        etag.ifPresent(e -> request.header("If-None-Match", quote(e)));
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 304) {
            return new BundlePoll.NotModified();
        }
        requireSuccess("GET /api/v1/bundle", response);
        Bundle bundle;
        try {
            bundle = ProtocolJson.read(response.body(), Bundle.class);
        } catch (ProtocolException e) {
            throw new BackendException(response.statusCode(), "backend sent a bundle that is not valid: " + e.getMessage());
        }
        String header = response.headers().firstValue("ETag").map(BackendClient::unquote).orElse(bundle.etag());
        return new BundlePoll.Changed(bundle, header);
    }

    /** Counts the backend reports for one ingest. */
    public record IngestResult(long accepted, long duplicates) {
    }

    /** {@code POST /api/v1/events} with a JSON array of alerts, gzip-compressed when enabled. */
    public IngestResult postEvents(byte[] jsonArray) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/events"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json");
        byte[] body = jsonArray;
        if (gzip) {
            body = gzip(jsonArray);
            request.header("Content-Encoding", "gzip");
        }
        HttpResponse<byte[]> response = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        requireSuccess("POST /api/v1/events", response);
        try {
            JsonNode node = ProtocolJson.mapper().readTree(response.body());
            return new IngestResult(node.path("accepted").asLong(), node.path("duplicates").asLong());
        } catch (IOException e) {
            return new IngestResult(-1, -1);
        }
    }

    /** {@code POST /api/v1/orchestrators/heartbeat}. */
    public void heartbeat(OrchestratorHeartbeat heartbeat) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/v1/orchestrators/heartbeat"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.writeBytes(heartbeat)))
                .build();
        requireSuccess("POST /api/v1/orchestrators/heartbeat", http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static void requireSuccess(String what, HttpResponse<byte[]> response) throws BackendException {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (body.length() > 300) {
                body = body.substring(0, 300) + "...";
            }
            throw new BackendException(status, what + " answered " + status + ": " + body.strip());
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        // fastest level: the spool must drain faster than agents fill it, and JSON alerts compress well anyway
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String quote(String etag) {
        return etag.startsWith("\"") || etag.startsWith("W/") ? etag : "\"" + etag + "\"";
    }

    static String unquote(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }
}
