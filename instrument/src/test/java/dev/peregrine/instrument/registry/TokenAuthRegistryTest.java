package dev.peregrine.instrument.registry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bearer-token flow Docker Hub uses ({@code WWW-Authenticate: Bearer realm=...}) against a
 * real registry in token mode. Images are pushed through a second, open registry on the same
 * storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthRegistryTest {
    TokenService tokens;
    LocalRegistry uploads;
    LocalRegistry registry;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        LocalRegistry.ensureInstalled();
        tokens = new TokenService(temp.resolve("tokens"), "reader", "pw");
        Path storage = temp.resolve("storage");
        uploads = LocalRegistry.start(temp.resolve("uploads"), storage, null, null, null);
        uploads.pushImage("public/tool", "1", "amd64", List.of("/tool"), List.of("--help"));
        uploads.pushImage("private/app", "1", "amd64", List.of("/app"), null);
        registry = LocalRegistry.start(temp.resolve("token-registry"), storage, null, null, tokens.authSection(temp.resolve("tokens")));
    }

    @AfterAll
    void stop() throws Exception {
        registry.close();
        uploads.close();
        tokens.close();
    }

    private static RegistryClient client(RegistryCredentials credentials) {
        return new RegistryClient(credentials, Duration.ofSeconds(5), Set.of(), Duration.ofMinutes(5));
    }

    @Test
    void anonymousTokenForAPublicRepository() throws Exception {
        int before = tokens.issued.get();
        RegistryClient client = client(RegistryCredentials.none());
        ImageConfig config = client.config(registry.host() + "/public/tool:1", Platform.LINUX_AMD64);
        assertEquals(List.of("/tool"), config.entrypoint());
        assertEquals(List.of("--help"), config.cmd());
        assertEquals(before + 1, tokens.issued.get(), "one token serves the manifest and the config blob");
    }

    @Test
    void privateRepositoryWithoutCredentials() {
        var error = assertThrows(RegistryException.class,
                () -> client(RegistryCredentials.none()).config(registry.host() + "/private/app:1", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
        assertTrue(error.getMessage().contains("rejected anonymous access"), error.getMessage());
    }

    @Test
    void privateRepositoryWithCredentials() throws Exception {
        RegistryCredentials credentials = RegistryCredentials.of(Map.of(registry.host(), new RegistryCredentials.Basic("reader", "pw")));
        assertEquals(List.of("/app"), client(credentials).config(registry.host() + "/private/app:1", Platform.LINUX_AMD64).entrypoint());
    }

    @Test
    void staticBearerTokenFromTheVariable() throws Exception {
        int before = tokens.issued.get();
        RegistryCredentials credentials = RegistryCredentials.fromEnvironment(Map.of(RegistryCredentials.VARIABLE,
                registry.host() + "=Bearer " + tokens.pullToken("ci", "private/app"), "DOCKER_CONFIG", "/nonexistent"), null);
        assertEquals(List.of("/app"), client(credentials).config(registry.host() + "/private/app:1", Platform.LINUX_AMD64).entrypoint());
        assertEquals(before, tokens.issued.get(), "a given token is used as it is");
    }

    @Test
    void wrongCredentialsAreRefusedByTheTokenService() {
        RegistryCredentials credentials = RegistryCredentials.of(Map.of(registry.host(), new RegistryCredentials.Basic("reader", "nope")));
        var error = assertThrows(RegistryException.class,
                () -> client(credentials).config(registry.host() + "/private/app:1", Platform.LINUX_AMD64));
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
        assertTrue(error.getMessage().contains("the token service " + tokens.realm() + " refused the credentials"), error.getMessage());
    }
}
