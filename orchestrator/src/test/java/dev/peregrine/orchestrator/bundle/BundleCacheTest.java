package dev.peregrine.orchestrator.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.orchestrator.Fixtures;
import dev.peregrine.protocol.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCacheTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheLastGoodBundleAndNamesTheErrorsOfABadOne() {
        BundleCache cache = new BundleCache(dir.resolve("bundle.json"));
        List<String> pushed = new ArrayList<>();
        List<List<String>> refused = new ArrayList<>();
        cache.onChange(b -> pushed.add(b.etag()));
        cache.onInvalid(refused::add);

        assertEquals(List.of(), cache.offer(Fixtures.bundle("v1")));
        List<String> errors = cache.offer(Fixtures.brokenBundle("v2"));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("broken.yaml:3:"), "errors name file and line: " + errors);
        assertEquals(List.of(errors), refused);
        assertEquals("v1", cache.current().orElseThrow().etag());
        assertEquals(List.of(), cache.offer(Fixtures.bundle("v1")), "the same bundle again is no change");
        assertEquals(List.of("v1"), pushed);
    }

    @Test
    void aSavedBundleIsServedAfterARestartUnlessItIsDamaged() throws Exception {
        Path file = dir.resolve("bundle.json");
        new BundleCache(file).offer(Fixtures.bundle("v1"));
        Optional<Bundle> restored = new BundleCache(file).loadFromDisk();
        assertEquals(Optional.of(Fixtures.bundle("v1")), restored);

        Files.writeString(file, "{\"etag\": 5, \"rules_files\": [");
        assertEquals(Optional.empty(), new BundleCache(file).loadFromDisk());
        assertEquals(Optional.empty(), new BundleCache(dir.resolve("missing.json")).loadFromDisk());
    }
}
