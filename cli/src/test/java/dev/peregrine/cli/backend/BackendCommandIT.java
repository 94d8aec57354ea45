package dev.peregrine.cli.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine backend} from the packaged jar: serves, then stops cleanly on SIGTERM. */
class BackendCommandIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));

    @Test
    void servesUntilTerminatedThenShutsDownGracefully(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-jar", JAR.toString(), "backend",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString()))
                .redirectError(stderr.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
        pb.environment().put("PEREGRINE_ADMIN_TOKEN", "cli-test-admin-token-123");
        pb.environment().remove("PEREGRINE_DB_URL");
        Process p = pb.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertTrue(health != null && health.statusCode() == 200, "healthz: " + Files.readString(stderr));
            HttpResponse<String> keys = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/access-keys"))
                    .header("Authorization", "Bearer cli-test-admin-token-123").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, keys.statusCode(), keys.body());
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops within 30 s of SIGTERM");
        }
        String log = Files.readString(stderr, StandardCharsets.UTF_8);
        assertTrue(log.contains("backend stopped"), log);
        assertTrue(log.contains("GET /api/v1/access-keys 200"), "request log: " + log);
        assertTrue(Files.exists(dir.resolve("data/peregrine.mv.db")));
    }
}
