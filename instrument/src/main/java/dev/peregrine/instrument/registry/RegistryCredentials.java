package dev.peregrine.instrument.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.template.Templates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials by host, from {@code PEREGRINE_REGISTRY_AUTH} (wins) and a Docker
 * {@code config.json} ({@code auths}: {@code auth} = base64 of user:password, or
 * {@code username}/{@code password}, or {@code registrytoken} for a bearer token).
 * {@code PEREGRINE_REGISTRY_AUTH} is either the same JSON or entries
 * {@code HOST=USER:PASSWORD} / {@code HOST=Bearer TOKEN} separated by newlines or ';'.
 * Credential helpers ({@code credsStore}, {@code credHelpers}) are not run.
 */
public final class RegistryCredentials {
    public static final String VARIABLE = "PEREGRINE_REGISTRY_AUTH";

    public sealed interface Credential {
    }

    public record Basic(String username, String password) implements Credential {
        public String header() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[" + username + "]";
        }
    }

    public record Bearer(String token) implements Credential {
        @Override
        public String toString() {
            return "Bearer[...]";
        }
    }

    private final Map<String, Credential> byHost;

    private RegistryCredentials(Map<String, Credential> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    public static RegistryCredentials none() {
        return new RegistryCredentials(Map.of());
    }

    /** From the environment: {@code PEREGRINE_REGISTRY_AUTH}, then {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}. */
    public static RegistryCredentials fromEnvironment(Map<String, String> env, Path dockerConfig) {
        Map<String, Credential> hosts = new HashMap<>();
        Path config = dockerConfig;
        if (config == null) {
            String dir = env.get("DOCKER_CONFIG");
            config = dir != null ? Path.of(dir, "config.json") : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        }
        if (Files.isRegularFile(config)) {
            try {
                hosts.putAll(parseDockerConfig(Files.readString(config), config.toString()));
            } catch (IOException e) {
                throw new IllegalArgumentException(config + ": cannot be read: " + e.getMessage(), e);
            }
        } else if (dockerConfig != null) {
            throw new IllegalArgumentException(dockerConfig + ": no such file");
        }
        String value = env.get(VARIABLE);
        if (value != null && !value.isBlank()) {
            hosts.putAll(parseVariable(value));
        }
        return new RegistryCredentials(hosts);
    }

    public static RegistryCredentials of(Map<String, Credential> byHost) {
        Map<String, Credential> normalized = new HashMap<>();
        byHost.forEach((host, credential) -> normalized.put(host(host), credential));
        return new RegistryCredentials(normalized);
    }

    public Optional<Credential> forRegistry(String registry) {
        return Optional.ofNullable(byHost.get(host(registry)));
    }

    static Map<String, Credential> parseVariable(String value) {
        if (value.trim().startsWith("{")) {
            return parseDockerConfig(value, VARIABLE);
        }
        Map<String, Credential> hosts = new HashMap<>();
        for (String entry : value.split("[;\n]")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(VARIABLE + ": '" + entry.trim() + "' is not HOST=USER:PASSWORD or HOST=Bearer TOKEN");
            }
            String host = entry.substring(0, eq).trim();
            String secret = entry.substring(eq + 1).trim();
            if (secret.regionMatches(true, 0, "Bearer ", 0, 7)) {
                hosts.put(host(host), new Bearer(secret.substring(7).trim()));
                continue;
            }
            int colon = secret.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(VARIABLE + ": the entry for " + host + " is not USER:PASSWORD or Bearer TOKEN");
            }
            hosts.put(host(host), new Basic(secret.substring(0, colon), secret.substring(colon + 1)));
        }
        return hosts;
    }

    static Map<String, Credential> parseDockerConfig(String json, String source) {
        JsonNode root;
        try {
            root = Templates.json().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        Map<String, Credential> hosts = new HashMap<>();
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            return hosts;
        }
        for (var entry : auths.properties()) {
            JsonNode auth = entry.getValue();
            String host = host(entry.getKey());
            if (auth.hasNonNull("registrytoken")) {
                hosts.put(host, new Bearer(auth.get("registrytoken").asText()));
            } else if (auth.hasNonNull("auth") && !auth.get("auth").asText().isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.get("auth").asText().trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": auths." + entry.getKey() + ".auth is not base64", e);
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(source + ": auths." + entry.getKey() + ".auth is not base64 of user:password");
                }
                hosts.put(host, new Basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
            } else if (auth.hasNonNull("username") && auth.hasNonNull("password")) {
                hosts.put(host, new Basic(auth.get("username").asText(), auth.get("password").asText()));
            }
        }
        return hosts;
    }

    /** {@code https://index.docker.io/v1/} and {@code docker.io} mean Docker Hub; scheme and path are dropped. */
    static String host(String key) {
        String host = key.trim().toLowerCase(Locale.ROOT);
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "docker.io", "index.docker.io", "registry.hub.docker.com" -> ImageReference.DOCKER_HUB;
            default -> host;
        };
    }
}
