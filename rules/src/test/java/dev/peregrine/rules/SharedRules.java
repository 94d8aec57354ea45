package dev.peregrine.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The upstream Falco rules files, in {@code peregrine.rules.dir} (the build sets it to ../shared/falco-rules). */
final class SharedRules {
    static final String STABLE = "falco_rules.yaml";
    static final String INCUBATING = "falco-incubating_rules.yaml";
    static final String SANDBOX = "falco-sandbox_rules.yaml";

    private SharedRules() {
    }

    static Path directory() {
        Path p = Path.of(System.getProperty("peregrine.rules.dir", "../../shared/falco-rules")).normalize();
        if (!Files.isRegularFile(p.resolve(STABLE))) {
            throw new IllegalStateException("upstream rules not found in " + p + " (system property peregrine.rules.dir)");
        }
        return p;
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
