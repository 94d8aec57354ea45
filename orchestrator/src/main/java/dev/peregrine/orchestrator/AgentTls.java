package dev.peregrine.orchestrator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS for the agent port: a certificate chain and PKCS#8 key from PEM files, or a self-signed
 * certificate made with the JDK's {@code keytool} on first start and kept in the data directory
 * (agents pin its fingerprint, which is logged at start).
 */
public final class AgentTls {
    private static final String ALIAS = "peregrine";

    private AgentTls() {
    }

    /** A key store ready for Jetty, and the SHA-256 fingerprint of the leaf certificate. */
    public record Material(KeyStore keyStore, String password, String fingerprint) {
        ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(password);
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer customizer = new SecureRequestCustomizer();
            customizer.setSniHostCheck(false);
            https.addCustomizer(customizer);
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        }
    }

    public static Material load(OrchestratorConfig.TlsConfig config, Path tlsDir) throws IOException {
        try {
            if (config.certificatePem().isPresent()) {
                return fromPem(config.certificatePem().get(), config.privateKeyPem().orElseThrow());
            }
            return selfSigned(tlsDir);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the agent port: " + e.getMessage(), e);
        }
    }

    static Material fromPem(Path certificate, Path key) throws IOException, GeneralSecurityException {
        List<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certificate)) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new IOException(certificate + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        PrivateKey privateKey = readPkcs8(key);
        String password = randomPassword();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, privateKey, password.toCharArray(), chain.toArray(Certificate[]::new));
        return new Material(store, password, fingerprint(chain.getFirst()));
    }

    private static PrivateKey readPkcs8(Path key) throws IOException {
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(key + ": expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IOException(key + ": PKCS#8 key is not an EC, RSA or Ed25519 key");
    }

    static Material selfSigned(Path tlsDir) throws IOException, GeneralSecurityException {
        Files.createDirectories(tlsDir);
        Path store = tlsDir.resolve("self-signed.p12");
        Path passwordFile = tlsDir.resolve("self-signed.password");
        if (!Files.exists(store)) {
            String password = randomPassword();
            Files.writeString(passwordFile, password);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=peregrine-orchestrator", "-validity", "3650",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password, "-keypass", password)
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("keytool could not create a self-signed certificate: " + output.strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while creating a self-signed certificate", e);
            }
        }
        String password = Files.readString(passwordFile).strip();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, password.toCharArray());
        }
        return new Material(keyStore, password, fingerprint(keyStore.getCertificate(ALIAS)));
    }

    static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
