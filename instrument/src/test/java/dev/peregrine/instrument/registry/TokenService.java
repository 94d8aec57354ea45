package dev.peregrine.instrument.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service for a registry in {@code auth: token} mode, as Docker Hub runs one: it signs
 * JWTs (RS256, key and self-signed certificate made by the JDK's keytool) that the registry
 * verifies against the certificate. Repositories under {@code public/} may be pulled
 * anonymously; the others need {@code user}/{@code password}.
 */
final class TokenService implements AutoCloseable {
    static final String SERVICE = "peregrine-test-registry";
    static final String ISSUER = "peregrine-test-token-service";

    private final HttpServer server;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final String user;
    private final String password;
    final AtomicInteger issued = new AtomicInteger();

    TokenService(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Path keystore = dir.resolve("token.p12");
        Files.createDirectories(dir);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=peregrine-test-token",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        certificate = (X509Certificate) store.getCertificate("token");
        Files.writeString(dir.resolve("token.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    Path certificate(Path dir) {
        return dir.resolve("token.pem");
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's {@code auth:} section. */
    String authSection(Path dir) {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certificate(dir) + "\n";
    }

    /** A pull token minted directly, as a CI system would hold one. */
    String pullToken(String subject, String repository) throws Exception {
        return jwt(subject, repository, "pull");
    }

    private void token(HttpExchange exchange) throws IOException {
        try {
            Map<String, String> query = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String subject = "";
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
                if (!decoded.equals(user + ":" + password)) {
                    respond(exchange, 401, "{\"details\":\"incorrect username or password\"}");
                    return;
                }
                subject = user;
            }
            if (!SERVICE.equals(query.get("service"))) {
                respond(exchange, 400, "{\"details\":\"unknown service\"}");
                return;
            }
            String scope = query.getOrDefault("scope", "");
            String[] parts = scope.split(":");
            String repository = parts.length == 3 && parts[0].equals("repository") ? parts[1] : null;
            boolean allowed = repository != null && (repository.startsWith("public/") || !subject.isEmpty());
            // Like Docker Hub: a token is always issued; without access the registry refuses it.
            String token = jwt(subject, allowed ? repository : null, "pull");
            issued.incrementAndGet();
            respond(exchange, 200, "{\"token\":\"" + token + "\",\"access_token\":\"" + token + "\",\"expires_in\":300}");
        } catch (Exception e) {
            respond(exchange, 500, "{\"details\":\"" + e + "\"}");
        }
    }

    private String jwt(String subject, String repository, String actions) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + "\"]}";
        long now = Instant.now().getEpochSecond();
        String access = repository == null ? "[]"
                : "[{\"type\":\"repository\",\"name\":\"" + repository + "\",\"actions\":[\"" + actions + "\"]}]";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 300)
                + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":" + access + "}";
        String signingInput = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + url.encodeToString(signature.sign());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
