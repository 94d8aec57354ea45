package dev.peregrine.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.protocol.Message;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wss:// on the agent port, with a self-signed certificate or with PEM files. */
class AgentTlsTest {
    @TempDir
    Path tmp;
    RealBackend backend;

    @BeforeEach
    void backend() throws Exception {
        backend = new RealBackend(tmp.resolve("backend")).start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private Orchestrator start(OrchestratorConfig.TlsConfig tls) throws Exception {
        return Orchestrator.start(OrchestratorConfig.of(backend.url(), backend.accessKey(), tmp.resolve("data"))
                .withPorts("127.0.0.1", 0, 0).withTls(Optional.of(tls)));
    }

    private static HttpClient trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("orchestrator", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static void awaitWelcome(Orchestrator o, HttpClient client) throws Exception {
        URI uri = URI.create("wss://127.0.0.1:" + o.agentPort() + "/v1/agent");
        for (int attempt = 0; ; attempt++) {
            try (TestAgent agent = TestAgent.connect(uri, null, client)) {
                Message m = agent.hello().received.poll(20, TimeUnit.SECONDS);
                if (m instanceof Message.Welcome) {
                    return;
                }
                if (!(m instanceof Message.Reject) || attempt > 40) {
                    throw new AssertionError("expected welcome, got " + m);
                }
            }
            Thread.sleep(250);
        }
    }

    @Test
    void selfSignedCertificateIsMadeOnceAndServesWss() throws Exception {
        String fingerprint;
        Certificate certificate;
        try (Orchestrator o = start(OrchestratorConfig.TlsConfig.selfSigned())) {
            fingerprint = o.tlsFingerprint().orElseThrow();
            Path tlsDir = tmp.resolve("data").resolve("tls");
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(tlsDir.resolve("self-signed.p12"))) {
                store.load(in, Files.readString(tlsDir.resolve("self-signed.password")).strip().toCharArray());
            }
            certificate = store.getCertificate("peregrine");
            assertEquals(fingerprint, AgentTls.fingerprint(certificate));
            awaitWelcome(o, trusting(certificate));
            URI plain = URI.create("ws://127.0.0.1:" + o.agentPort() + "/v1/agent");
            assertThrows(Exception.class, () -> TestAgent.connect(plain, null, HttpClient.newHttpClient()).hello()
                    .await(Message.Welcome.class), "plain ws:// must not work on a TLS port");
        }
        try (Orchestrator again = start(OrchestratorConfig.TlsConfig.selfSigned())) {
            assertEquals(fingerprint, again.tlsFingerprint().orElseThrow(), "the certificate is kept across restarts");
        }
    }

    @Test
    void servesWssWithPemCertificateAndKeyFiles() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String log = new String(openssl.getInputStream().readAllBytes());
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, log);
        Certificate certificate;
        try (InputStream in = Files.newInputStream(cert)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (Orchestrator o = start(new OrchestratorConfig.TlsConfig(Optional.of(cert), Optional.of(key)))) {
            assertEquals(AgentTls.fingerprint(certificate), o.tlsFingerprint().orElseThrow());
            awaitWelcome(o, trusting(certificate));
        }
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithAHint() throws Exception {
        Path cert = tmp.resolve("c.pem");
        Path key = tmp.resolve("k.pem");
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "1", "-subj", "/CN=x", "-keyout", tmp.resolve("unused.pem").toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS));
        Exception e = assertThrows(Exception.class, () -> start(new OrchestratorConfig.TlsConfig(Optional.of(cert), Optional.of(key))));
        assertTrue(e.getMessage().contains("PKCS#8") && e.getMessage().contains(key.toString()), e.getMessage());
    }
}
