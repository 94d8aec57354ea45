package dev.peregrine.backend;

import dev.peregrine.backend.store.PolicyStore;
import dev.peregrine.backend.store.RulesFileStore;
import dev.peregrine.backend.store.SettingsStore;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Priority;
import dev.peregrine.protocol.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * What a new install starts with, so that it protects something at once: Falco's upstream
 * rules file and a policy that notifies on every stable rule from priority notice up. Seeded
 * once; deleting them later is respected across restarts.
 */
final class FirstStart {
    static final String SEEDED = "seeded_at";
    static final String DEFAULT_RULES_FILE = "falco_rules.yaml";
    static final Policy DEFAULT_POLICY = new Policy("default", true, null, List.of("maturity_stable"), Priority.NOTICE,
            List.of(Action.NOTIFY), Scope.EVERYWHERE);

    private FirstStart() {
    }

    static void seed(SettingsStore settings, RulesFileStore rulesFiles, PolicyStore policies, Instant now) {
        if (settings.get(SEEDED).isPresent()) {
            return;
        }
        rulesFiles.putIfAbsent(DEFAULT_RULES_FILE, defaultRules(), 0, now);
        policies.putIfAbsent(DEFAULT_POLICY, now);
        settings.putIfAbsent(SEEDED, now.toString());
    }

    static String defaultRules() {
        try (InputStream in = FirstStart.class.getResourceAsStream(DEFAULT_RULES_FILE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULT_RULES_FILE + " is missing from the backend jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
