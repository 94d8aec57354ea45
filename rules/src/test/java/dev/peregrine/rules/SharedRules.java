package dev.peregrine.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The upstream Falco rules files, found in {@code ${peregrine.root}/../shared} or {@code /work/shared}. */
final class SharedRules {
    static final String STABLE = "falco_rules.yaml";
    static final String INCUBATING = "falco-incubating_rules.yaml";
    static final String SANDBOX = "falco-sandbox_rules.yaml";

    private SharedRules() {
    }

    static Path directory() {
        List<Path> candidates = new ArrayList<>();
        String root = System.getProperty("peregrine.root");
        if (root != null) {
            candidates.add(Path.of(root).resolve("../shared/falco-rules").normalize());
        }
        candidates.add(Path.of("/work/shared/falco-rules"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve(STABLE))) {
                return p;
            }
        }
        throw new IllegalStateException("upstream rules not found; looked in " + candidates);
    }

    static RulesFile file(String name) {
        Path p = directory().resolve(name);
        try {
            return new RulesFile(p.toString(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<RulesFile> files(String... names) {
        List<RulesFile> out = new ArrayList<>();
        for (String n : names) {
            out.add(file(n));
        }
        return out;
    }
}
