package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartAndTlsTest {
    private static final Pattern TOKEN = Pattern.compile("admin token \\(shown once, keep it safe\\): (\\S+)");

    @Test
    void restartKeepsEverythingInTheDefaultH2File(@TempDir Path dataDir) {
        ByteArrayOutputStream firstOut = new ByteArrayOutputStream();
        BackendConfig config = BackendConfig.defaults().withHost("127.0.0.1").withPort(0).withDb(null, dataDir);
        String token;
        String key;
        String etag;
        try (Backend first = Backend.start(config.withAnnounce(new PrintStream(firstOut, true)))) {
            Matcher m = TOKEN.matcher(firstOut.toString(StandardCharsets.UTF_8));
            assertTrue(m.find(), "the generated admin token is printed on first start: " + firstOut);
            token = m.group(1);
            Api admin = new Api("http://127.0.0.1:" + first.port(), token);
            key = admin.postJson("/api/v1/access-keys", "{\"name\":\"keep\"}").expect(201).json().get("key").asText();
            admin.putYaml("/api/v1/rules-files/custom.yaml", "- list: mine\n  items: [a]\n").expect(201);
            admin.putJson("/api/v1/policies/p", "{\"rules\":[\"x\"]}").expect(201);
            admin.putJson("/api/v1/settings", "{\"retention_days\":90}").expect(200);
            admin.as(key).postJson("/api/v1/events", Alerts.json(List.of(Alerts.alert("kept", Instant.now())))).expect(200);
            etag = admin.get("/api/v1/bundle").header("ETag");
        }
        assertTrue(Files.exists(dataDir.resolve("peregrine.mv.db")), "H2 file under the data directory");

        ByteArrayOutputStream secondOut = new ByteArrayOutputStream();
        try (Backend second = Backend.start(config.withAnnounce(new PrintStream(secondOut, true)))) {
            assertFalse(secondOut.toString(StandardCharsets.UTF_8).contains("admin token"), "printed only once");
            Api admin = new Api("http://127.0.0.1:" + second.port(), token);
            assertEquals("keep", admin.get("/api/v1/access-keys").expect(200).json().get("access_keys").get(0).get("name").asText());
            assertEquals("- list: mine\n  items: [a]\n", admin.get("/api/v1/rules-files/custom.yaml").expect(200).body());
            admin.get("/api/v1/policies/p").expect(200);
            assertEquals(90, admin.get("/api/v1/settings").json().get("retention_days").asInt());
            assertEquals("kept", admin.get("/api/v1/events").json().get("events").get(0).get("id").asText());
            Api.Response bundle = admin.as(key).get("/api/v1/bundle").expect(200);
            assertEquals(etag, bundle.header("ETag"), "same content, same ETag");
            admin.as("pga_wrong").get("/api/v1/events").expect(401);
        }
    }

    @Test
    void deletedDefaultsStayDeletedAfterRestart(@TempDir Path dataDir) {
        BackendConfig config = BackendConfig.defaults().withHost("127.0.0.1").withPort(0).withDb(null, dataDir)
                .withAdminToken("fixed-admin-token-for-tests").withAnnounce(new PrintStream(new ByteArrayOutputStream()));
        try (Backend b = Backend.start(config)) {
            Api admin = new Api("http://127.0.0.1:" + b.port(), "fixed-admin-token-for-tests");
            admin.delete("/api/v1/policies/default").expect(204);
        }
        try (Backend b = Backend.start(config)) {
            Api admin = new Api("http://127.0.0.1:" + b.port(), "fixed-admin-token-for-tests");
            admin.get("/api/v1/policies/default").expect(404);
        }
    }

    @Test
    void servesHttpsWhenGivenACertificate(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String log = new String(openssl.getInputStream().readAllBytes());
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, log);

        BackendConfig config = BackendConfig.defaults().withHost("127.0.0.1").withPort(0).withDb(null, dir.resolve("data"))
                .withAdminToken("fixed-admin-token-for-tests").withTls(cert, key)
                .withAnnounce(new PrintStream(new ByteArrayOutputStream()));
        try (Backend b = Backend.start(config)) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
            Api admin = new Api("https://127.0.0.1:" + b.port(), "fixed-admin-token-for-tests", client);
            JsonNode health = admin.get("/healthz").expect(200).json();
            assertEquals("ok", health.get("status").asText());
            admin.get("/api/v1/access-keys").expect(200);

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + b.port() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the TLS port");
        }
    }

    private static SSLContext trusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("backend", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
