package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.KnownImages;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.template.Templates;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One golden-file case: a directory with the input, {@code case.properties} (recipe options,
 * {@code param.NAME=VALUE}) and either the expected output or {@code expected-error.txt}.
 * Run with {@code -Dgolden.update=true} to (re)write expected files, then review the diff.
 */
record GoldenCase(Path dir, Properties options) {
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Path root(String family) {
        // Expected files are written back to the sources in update mode, so read them from there.
        return Path.of(System.getProperty("peregrine.root"), "instrument/src/test/resources/golden", family);
    }

    static Stream<GoldenCase> all(String family) throws IOException {
        List<GoldenCase> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root(family))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Properties options = new Properties();
                Path file = dir.resolve("case.properties");
                if (Files.exists(file)) {
                    try (Reader reader = Files.newBufferedReader(file)) {
                        options.load(reader);
                    }
                }
                cases.add(new GoldenCase(dir, options));
            }
        }
        return cases.stream();
    }

    @Override
    public String toString() {
        return dir.getFileName().toString();
    }

    Path input(String base) {
        for (String ext : new String[] {".json", ".yaml"}) {
            if (Files.exists(dir.resolve(base + ext))) {
                return dir.resolve(base + ext);
            }
        }
        throw new IllegalStateException(dir + " has no " + base + ".json or .yaml");
    }

    String read(Path file) throws IOException {
        return Files.readString(file);
    }

    Recipe recipe() {
        Recipe recipe = new Recipe(
                options.getProperty("agent-image", "registry.example.com/peregrine/agent:1.0"),
                options.getProperty("orchestrator", "orchestrator.internal:6667"),
                options.containsKey("priority") ? Priority.parse(options.getProperty("priority")) : null,
                options.getProperty("log-level"),
                options.containsKey("essential") ? Boolean.valueOf(options.getProperty("essential")) : null,
                integer("cpu"), integer("memory"), integer("memory-reservation"),
                options.getProperty("log-group"), options.getProperty("log-region"),
                options.getProperty("image-credentials"),
                Boolean.parseBoolean(options.getProperty("opt-in", "false")));
        return recipe;
    }

    private Integer integer(String key) {
        return options.containsKey(key) ? Integer.valueOf(options.getProperty(key)) : null;
    }

    Map<String, String> parameters() {
        Map<String, String> params = new TreeMap<>();
        options.stringPropertyNames().stream().filter(k -> k.startsWith("param."))
                .forEach(k -> params.put(k.substring("param.".length()), options.getProperty(k)));
        return params;
    }

    /** Image configs the cases may look up, from golden/images.json; any other image is unknown. */
    static ImageConfigSource images() throws IOException {
        KnownImages known = new KnownImages(ImageConfigSource.none("not in the test registry (golden/images.json)"));
        JsonNode all = Templates.json().readTree(Files.readString(root("").resolve("images.json")));
        for (var entry : all.properties()) {
            JsonNode config = entry.getValue();
            known.put(new ImageConfig(entry.getKey(), Platform.LINUX_AMD64, null, strings(config.get("Entrypoint")),
                    strings(config.get("Cmd")), null, null));
        }
        return known;
    }

    private static List<String> strings(JsonNode list) {
        if (list == null || list.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.asText()));
        return out;
    }

    /** Compares with the expected file, or writes it in update mode. */
    void check(String expectedName, String actual) throws IOException {
        Path expected = dir.resolve(expectedName);
        if (UPDATE) {
            Files.writeString(expected, actual);
            return;
        }
        if (!Files.exists(expected)) {
            fail(expected + " is missing; the output was:\n" + actual);
        }
        assertEquals(Files.readString(expected), actual, dir.getFileName() + "/" + expectedName);
    }
}
