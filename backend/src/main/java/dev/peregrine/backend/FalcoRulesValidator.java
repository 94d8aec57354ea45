package dev.peregrine.backend;

import dev.peregrine.protocol.RulesFileContent;
import dev.peregrine.rules.Diagnostic;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RulesFile;
import java.util.List;

/**
 * Validates uploads with the rules engine the agents run: the files are loaded and every
 * condition compiled exactly as an agent would, so a bundle the backend accepts is one the
 * agents can load.
 */
public final class FalcoRulesValidator implements RulesValidator {

    @Override
    public List<Problem> validate(List<RulesFileContent> files) {
        List<RulesFile> input = files.stream().map(f -> new RulesFile(f.name(), f.content())).toList();
        return RuleLoader.load(input).diagnostics().stream().map(FalcoRulesValidator::problem).toList();
    }

    private static Problem problem(Diagnostic d) {
        return new Problem(d.isError() ? Problem.Severity.ERROR : Problem.Severity.WARNING, d.code(), d.message(),
                d.file(), d.line(), d.column());
    }
}
