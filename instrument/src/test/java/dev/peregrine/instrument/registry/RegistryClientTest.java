package dev.peregrine.instrument.registry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against real registries: one open, one behind htpasswd basic auth. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryClientTest {
    Path temp;
    LocalRegistry open;
    LocalRegistry locked;
    LocalRegistry.Pushed web;
    LocalRegistry.Pushed webArm;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        this.temp = temp;
        LocalRegistry.ensureInstalled();
        open = LocalRegistry.start(temp.resolve("open"), null, null);
        locked = LocalRegistry.start(temp.resolve("locked"), "deployer", "s3cret!");
        web = open.pushImage("shop/web", "1.0", "amd64", List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"));
        open.pushImage("shop/cmd-only", "2", "amd64", null, List.of("java", "-jar", "/app.jar"));
        LocalRegistry.Pushed amd = open.pushImage("shop/multi", null, "amd64", List.of("/entry"), List.of("serve", "--amd64"));
        webArm = open.pushImage("shop/multi", null, "arm64", List.of("/entry"), List.of("serve", "--arm64"));
        LocalRegistry.Pushed armV7 = open.pushImage("shop/multi", null, "arm", List.of("/entry"), List.of("serve", "--armv7"));
        open.pushIndex("shop/multi", "3.1", List.of(new LocalRegistry.Entry("amd64", null, amd),
                new LocalRegistry.Entry("arm", "v7", armV7), new LocalRegistry.Entry("arm64", "v8", webArm)));
        open.pushIndex("shop/amd-only", "1", List.of(new LocalRegistry.Entry("amd64", null,
                open.pushImage("shop/amd-only", null, "amd64", List.of("/x"), null))));
        locked.pushImage("team/billing", "9", "amd64", List.of("/billing"), List.of("--serve"));
    }

    @AfterAll
    void stop() throws Exception {
        if (open != null) {
            open.close();
        }
        if (locked != null) {
            locked.close();
        }
    }

    private static RegistryClient client(RegistryCredentials credentials) {
        return new RegistryClient(credentials, Duration.ofSeconds(5), Set.of(), Duration.ofMinutes(5));
    }

    @Test
    void singleArchitectureImage() throws Exception {
        ImageConfig config = client(RegistryCredentials.none()).config(open.host() + "/shop/web:1.0", Platform.LINUX_AMD64);
        assertEquals(List.of("/docker-entrypoint.sh"), config.entrypoint());
        assertEquals(List.of("nginx", "-g", "daemon off;"), config.cmd());
        assertEquals("/srv", config.workingDir());
        assertEquals("app", config.user());
        assertEquals(web.digest(), config.digest());
    }

    @Test
    void layersAreListedInOrderAndDownloadedAgainstTheirDigests() throws Exception {
        byte[] base = gzip("base layer");
        byte[] top = gzip("top layer");
        open.pushLayeredImage("shop/layered", "1", List.of(base, top), "{\"Cmd\":[\"/run\"]}");
        RegistryClient client = client(RegistryCredentials.none());
        RegistryClient.Image image = client.image(open.host() + "/shop/layered:1", Platform.LINUX_AMD64);
        assertEquals(List.of("/run"), image.config().cmd());
        assertEquals(List.of(LocalRegistry.digest(base), LocalRegistry.digest(top)),
                image.layers().stream().map(RegistryClient.Layer::digest).toList());
        assertEquals(base.length, image.layers().getFirst().size());
        Path target = temp.resolve("top.tar.gz");
        client.download(open.host() + "/shop/layered:1", image.layers().get(1).digest(), target);
        assertTrue(java.util.Arrays.equals(top, Files.readAllBytes(target)));
        RegistryException missing = assertThrows(RegistryException.class, () -> client.download(open.host() + "/shop/layered:1",
                "sha256:" + "0".repeat(64), temp.resolve("missing")));
        assertEquals(RegistryException.Kind.NOT_FOUND, missing.kind());
    }

    @Test
    void lockedRegistryBlobsNeedTheCredentials() throws Exception {
        RegistryClient client = client(RegistryCredentials.of(Map.of(locked.host(),
                new RegistryCredentials.Basic("deployer", "s3cret!"))));
        RegistryClient.Image image = client.image(locked.host() + "/team/billing:9", Platform.LINUX_AMD64);
        Path target = temp.resolve("billing-layer");
        client.download(locked.host() + "/team/billing:9", image.layers().getFirst().digest(), target);
        assertTrue(Files.size(target) > 0);
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void imageWithoutEntrypoint() throws Exception {
        ImageConfig config = client(RegistryCredentials.none()).config(open.host() + "/shop/cmd-only:2", Platform.LINUX_AMD64);
        assertNull(config.entrypoint());
        assertEquals(List.of("java", "-jar", "/app.jar"), config.cmd());
    }

    @Test
    void digestReference() throws Exception {
        ImageConfig config = client(RegistryCredentials.none()).config(open.host() + "/shop/web@" + web.digest(), Platform.LINUX_AMD64);
        assertEquals(List.of("nginx", "-g", "daemon off;"), config.cmd());
    }

    @Test
    void indexResolvedForEachPlatform() throws Exception {
        RegistryClient client = client(RegistryCredentials.none());
        assertEquals(List.of("serve", "--amd64"), client.config(open.host() + "/shop/multi:3.1", Platform.LINUX_AMD64).cmd());
        ImageConfig arm = client.config(open.host() + "/shop/multi:3.1", Platform.LINUX_ARM64);
        assertEquals(List.of("serve", "--arm64"), arm.cmd());
        assertEquals(webArm.digest(), arm.digest());
    }

    @Test
    void indexWithoutThePlatform() {
        var error = assertThrows(RegistryException.class,
                () -> client(RegistryCredentials.none()).config(open.host() + "/shop/amd-only:1", Platform.LINUX_ARM64));
        assertEquals(RegistryException.Kind.NO_PLATFORM, error.kind());
        assertTrue(error.getMessage().contains("has no linux/arm64 image (it has: linux/amd64)"), error.getMessage());
    }

    @Test
    void singleArchitectureImageOnTheWrongPlatform() {
        var error = assertThrows(RegistryException.class,
                () -> client(RegistryCredentials.none()).config(open.host() + "/shop/web:1.0", Platform.LINUX_ARM64));
        assertEquals(RegistryException.Kind.NO_PLATFORM, error.kind());
        assertTrue(error.getMessage().contains("is linux/amd64 only, but the task runs on linux/arm64 (ARM64)"), error.getMessage());
    }

    @Test
    void missingTagAndRepository() {
        RegistryClient client = client(RegistryCredentials.none());
        var tag = assertThrows(RegistryException.class, () -> client.config(open.host() + "/shop/web:9.9", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.NOT_FOUND, tag.kind());
        assertTrue(tag.getMessage().contains("not found in " + open.host()), tag.getMessage());
        var repo = assertThrows(RegistryException.class, () -> client.config(open.host() + "/nobody/here:1", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.NOT_FOUND, repo.kind());
    }

    @Test
    void privateRepositoryNeedsCredentials() {
        var error = assertThrows(RegistryException.class,
                () -> client(RegistryCredentials.none()).config(locked.host() + "/team/billing:9", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
        assertTrue(error.getMessage().contains("needs credentials"), error.getMessage());
    }

    @Test
    void privateRepositoryWithCredentialsFromTheVariable() throws Exception {
        RegistryCredentials credentials = RegistryCredentials.fromEnvironment(
                Map.of(RegistryCredentials.VARIABLE, locked.host() + "=deployer:s3cret!", "DOCKER_CONFIG", temp.resolve("none").toString()), null);
        ImageConfig config = client(credentials).config(locked.host() + "/team/billing:9", Platform.LINUX_AMD64);
        assertEquals(List.of("/billing"), config.entrypoint());
        assertEquals(List.of("--serve"), config.cmd());
    }

    @Test
    void privateRepositoryWithCredentialsFromDockerConfig() throws Exception {
        Path config = temp.resolve("docker-config.json");
        String auth = Base64.getEncoder().encodeToString("deployer:s3cret!".getBytes());
        Files.writeString(config, "{\"auths\": {\"http://" + locked.host() + "/v2/\": {\"auth\": \"" + auth + "\"}}}");
        RegistryCredentials credentials = RegistryCredentials.fromEnvironment(Map.of(), config);
        assertEquals(List.of("/billing"), client(credentials).config(locked.host() + "/team/billing:9", Platform.LINUX_AMD64).entrypoint());
    }

    @Test
    void wrongCredentials() {
        RegistryCredentials credentials = RegistryCredentials.of(Map.of(locked.host(), new RegistryCredentials.Basic("deployer", "wrong")));
        var error = assertThrows(RegistryException.class,
                () -> client(credentials).config(locked.host() + "/team/billing:9", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
        assertTrue(error.getMessage().contains("rejected the credentials for " + locked.host()), error.getMessage());
    }

    @Test
    void tagsAreCachedPerClient() throws Exception {
        RegistryClient client = client(RegistryCredentials.none());
        String reference = open.host() + "/shop/moving:latest";
        open.pushImage("shop/moving", "latest", "amd64", null, List.of("v1"));
        assertEquals(List.of("v1"), client.config(reference, Platform.LINUX_AMD64).cmd());
        open.pushImage("shop/moving", "latest", "amd64", null, List.of("v2"));
        assertEquals(List.of("v1"), client.config(reference, Platform.LINUX_AMD64).cmd(), "cached within the TTL");
        assertEquals(List.of("v2"), client(RegistryCredentials.none()).config(reference, Platform.LINUX_AMD64).cmd());
    }

    @Test
    void unreachableRegistryIsANetworkError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var error = assertThrows(RegistryException.class,
                () -> client(RegistryCredentials.none()).config("127.0.0.1:" + port + "/x/y:1", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.NETWORK, error.kind());
        assertTrue(error.getMessage().contains("cannot connect to 127.0.0.1:" + port), error.getMessage());
        assertFalse(error.getMessage().contains("(null)"), error.getMessage());
    }

    @Test
    void silentRegistryTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accepter = Thread.ofVirtual().start(() -> {
                try (var socket = silent.accept()) {
                    Thread.sleep(10_000);
                } catch (Exception e) {
                    // closed by the test
                }
            });
            RegistryClient client = new RegistryClient(RegistryCredentials.none(), Duration.ofMillis(500), Set.of(), Duration.ofMinutes(5));
            long start = System.nanoTime();
            var error = assertThrows(RegistryException.class,
                    () -> client.config("127.0.0.1:" + silent.getLocalPort() + "/x/y:1", Platform.LINUX_AMD64));
            assertEquals(RegistryException.Kind.NETWORK, error.kind());
            assertTrue(error.getMessage().contains("did not answer within"), error.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "the timeout must bound the wait");
            accepter.interrupt();
        }
    }

    @Test
    void badReferences() {
        assertEquals(RegistryException.Kind.BAD_REFERENCE, assertThrows(RegistryException.class,
                () -> ImageReference.parse("${REPO}:latest")).kind());
        assertThrows(RegistryException.class, () -> ImageReference.parse("Upper/Case:1"));
    }

    @Test
    void referencesAreNormalizedLikeDocker() throws Exception {
        assertEquals(new ImageReference(ImageReference.DOCKER_HUB, "library/nginx", "latest", null), ImageReference.parse("nginx"));
        assertEquals(new ImageReference(ImageReference.DOCKER_HUB, "grafana/grafana", "11", null), ImageReference.parse("docker.io/grafana/grafana:11"));
        assertEquals(new ImageReference("localhost:5000", "a/b", "c", null), ImageReference.parse("localhost:5000/a/b:c"));
        String digest = "sha256:" + "a".repeat(64);
        assertEquals(new ImageReference("ghcr.io", "o/r", "1", digest), ImageReference.parse("ghcr.io/o/r:1@" + digest));
    }
}
