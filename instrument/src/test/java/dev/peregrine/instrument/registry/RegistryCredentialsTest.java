package dev.peregrine.instrument.registry;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryCredentialsTest {
    @Test
    void variableEntries() {
        var parsed = RegistryCredentials.parseVariable("ghcr.io=me:p:w;\n registry.local:5000=Bearer abc ");
        assertEquals(new RegistryCredentials.Basic("me", "p:w"), parsed.get("ghcr.io"));
        assertEquals(new RegistryCredentials.Bearer("abc"), parsed.get("registry.local:5000"));
        var error = assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.parseVariable("ghcr.io"));
        assertTrue(error.getMessage().contains("HOST=USER:PASSWORD"), error.getMessage());
    }

    @Test
    void dockerConfigForms() {
        String auth = Base64.getEncoder().encodeToString("u:p".getBytes());
        var parsed = RegistryCredentials.parseDockerConfig("""
                {"auths": {"https://index.docker.io/v1/": {"auth": "%s"},
                           "https://quay.io": {"username": "q", "password": "r"},
                           "tok.example": {"registrytoken": "t"},
                           "empty.example": {}},
                 "credsStore": "desktop"}""".formatted(auth), "config.json");
        assertEquals(new RegistryCredentials.Basic("u", "p"), parsed.get(ImageReference.DOCKER_HUB));
        assertEquals(new RegistryCredentials.Basic("q", "r"), parsed.get("quay.io"));
        assertEquals(new RegistryCredentials.Bearer("t"), parsed.get("tok.example"));
        assertEquals(3, parsed.size());
        assertThrows(IllegalArgumentException.class,
                () -> RegistryCredentials.parseDockerConfig("{\"auths\": {\"x\": {\"auth\": \"%%%\"}}}", "config.json"));
    }

    @Test
    void variableWinsOverConfigAndSecretsStayOutOfToString() {
        var credentials = RegistryCredentials.of(Map.of("https://ghcr.io/", new RegistryCredentials.Basic("me", "secret")));
        Optional<RegistryCredentials.Credential> found = credentials.forRegistry("ghcr.io");
        assertEquals("Basic[me]", found.orElseThrow().toString());
    }
}
