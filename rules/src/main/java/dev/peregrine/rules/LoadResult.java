package dev.peregrine.rules;

import java.util.List;
import java.util.Optional;

/** What loading rules files produced: every diagnostic, and the rule set when there was no error. */
public record LoadResult(List<Diagnostic> diagnostics, Optional<RuleSet> ruleSet) {
    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
        if (ruleSet.isPresent() == diagnostics.stream().anyMatch(Diagnostic::isError)) {
            throw new IllegalArgumentException("a rule set is present exactly when there is no error");
        }
    }

    public boolean ok() {
        return ruleSet.isPresent();
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> !d.isError()).toList();
    }
}
