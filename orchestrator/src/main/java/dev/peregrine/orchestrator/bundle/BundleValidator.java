package dev.peregrine.orchestrator.bundle;

import dev.peregrine.protocol.Bundle;
import dev.peregrine.rules.Diagnostic;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RulesFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a bundle's rules files with the rules engine, as every agent will: a bundle that
 * does not compile here would leave agents without policies, so it never replaces a good one.
 */
public final class BundleValidator {
    private BundleValidator() {
    }

    /** Errors found in the bundle, Falco-style ({@code file:line:col: error CODE: message}); empty when it is good. */
    public static List<String> errors(Bundle bundle) {
        List<String> errors = new ArrayList<>();
        List<RulesFile> files = bundle.rulesFiles().stream().map(f -> new RulesFile(f.name(), f.content())).toList();
        LoadResult result = RuleLoader.load(files);
        for (Diagnostic d : result.errors()) {
            errors.add(d.toString());
        }
        return errors;
    }
}
