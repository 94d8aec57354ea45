package dev.peregrine.cli.instrument;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.KnownImages;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryCredentials;
import dev.peregrine.instrument.template.Templates;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How image configs are found: given files first, then the registry. */
final class RegistryOptions {
    @Option(names = "--docker-config", paramLabel = "FILE", description = "Docker config.json with registry credentials (default $DOCKER_CONFIG/config.json or ~/.docker/config.json).")
    Path dockerConfig;

    @Option(names = "--registry-timeout", paramLabel = "SECONDS", defaultValue = "15", description = "Connect and answer timeout per registry request (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--plain-http-registry", paramLabel = "HOST[:PORT]", description = "Registry reached over plain HTTP (localhost always is). Repeatable.")
    List<String> plainHttp = new ArrayList<>();

    @Option(names = "--image-config", paramLabel = "IMAGE=FILE", description = "Use this image config (JSON: an image config, or 'docker inspect' output) instead of asking the registry. Repeatable.")
    Map<String, Path> imageConfigs = new LinkedHashMap<>();

    @Option(names = "--no-registry", description = "Never ask a registry: containers must spell out EntryPoint/Command or be given with --image-config.")
    boolean noRegistry;

    /** @throws picocli.CommandLine.ParameterException for unreadable credentials or image config files */
    ImageConfigSource source(Map<String, String> env, picocli.CommandLine commandLine) {
        try {
            return source(env);
        } catch (IllegalArgumentException | IOException e) {
            throw new picocli.CommandLine.ParameterException(commandLine, e.getMessage(), e);
        }
    }

    private ImageConfigSource source(Map<String, String> env) throws IOException {
        ImageConfigSource registry = noRegistry
                ? ImageConfigSource.none("registry lookups are off (--no-registry)")
                : new RegistryClient(RegistryCredentials.fromEnvironment(env, dockerConfig), Duration.ofSeconds(timeoutSeconds),
                Set.copyOf(plainHttp), Duration.ofMinutes(5));
        if (imageConfigs.isEmpty()) {
            return registry;
        }
        KnownImages known = new KnownImages(registry);
        for (var entry : imageConfigs.entrySet()) {
            known.put(read(entry.getKey(), entry.getValue()));
        }
        return known;
    }

    /** Accepts an OCI image config ({@code config.Entrypoint}), {@code docker inspect} output ({@code [{"Config": ...}]}) or a bare {@code {"Entrypoint", "Cmd"}}. */
    static ImageConfig read(String image, Path file) throws IOException {
        JsonNode json = Templates.json().readTree(Files.readString(file));
        if (json != null && json.isArray() && !json.isEmpty()) {
            json = json.get(0);
        }
        JsonNode config = json == null ? null : json.has("Config") ? json.get("Config") : json.has("config") ? json.get("config") : json;
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(file + ": not an image config (expected Entrypoint/Cmd)");
        }
        return new ImageConfig(image, Platform.LINUX_AMD64, null, strings(config.get("Entrypoint")), strings(config.get("Cmd")),
                config.path("WorkingDir").asText(null), config.path("User").asText(null));
    }

    private static List<String> strings(JsonNode list) {
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.asText()));
        return out;
    }
}
