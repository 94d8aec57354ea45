package dev.peregrine.backend;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * How to run the backend.
 *
 * @param host          interface to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port          0 picks a free port
 * @param dbUrl         JDBC URL; null means the H2 file database under {@code dataDir}
 * @param dataDir       where the default H2 database lives
 * @param adminToken    fixed admin token ({@code PEREGRINE_ADMIN_TOKEN}); null: generate one on first start
 * @param tlsCert       PEM certificate chain; with {@code tlsKey}, serve HTTPS only
 * @param tlsKey        PEM PKCS#8 private key
 * @param maxBodyBytes  largest accepted request body (after decompression)
 * @param announce      where the generated admin token is printed, once
 */
public record BackendConfig(
        String host,
        int port,
        String dbUrl,
        Path dataDir,
        String adminToken,
        Path tlsCert,
        Path tlsKey,
        long maxBodyBytes,
        PrintStream announce) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    public BackendConfig {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a private key");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("max body size must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (adminToken != null && adminToken.length() < 16) {
            throw new IllegalArgumentException("the admin token must be at least 16 characters");
        }
    }

    public static BackendConfig defaults() {
        return new BackendConfig("0.0.0.0", DEFAULT_PORT, null, Path.of("data"), null, null, null,
                DEFAULT_MAX_BODY_BYTES, System.out);
    }

    public BackendConfig withPort(int p) {
        return new BackendConfig(host, p, dbUrl, dataDir, adminToken, tlsCert, tlsKey, maxBodyBytes, announce);
    }

    public BackendConfig withHost(String h) {
        return new BackendConfig(h, port, dbUrl, dataDir, adminToken, tlsCert, tlsKey, maxBodyBytes, announce);
    }

    public BackendConfig withDb(String url, Path dir) {
        return new BackendConfig(host, port, url, dir, adminToken, tlsCert, tlsKey, maxBodyBytes, announce);
    }

    public BackendConfig withAdminToken(String token) {
        return new BackendConfig(host, port, dbUrl, dataDir, token, tlsCert, tlsKey, maxBodyBytes, announce);
    }

    public BackendConfig withTls(Path cert, Path key) {
        return new BackendConfig(host, port, dbUrl, dataDir, adminToken, cert, key, maxBodyBytes, announce);
    }

    public BackendConfig withMaxBodyBytes(long bytes) {
        return new BackendConfig(host, port, dbUrl, dataDir, adminToken, tlsCert, tlsKey, bytes, announce);
    }

    public BackendConfig withAnnounce(PrintStream out) {
        return new BackendConfig(host, port, dbUrl, dataDir, adminToken, tlsCert, tlsKey, maxBodyBytes, out);
    }

    public String effectiveDbUrl() {
        return dbUrl != null ? dbUrl : dev.peregrine.backend.store.Database.defaultUrl(dataDir);
    }
}
