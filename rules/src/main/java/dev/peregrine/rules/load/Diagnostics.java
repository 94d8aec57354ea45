package dev.peregrine.rules.load;

import dev.peregrine.rules.Diagnostic;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings in the order they are found. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public void error(String code, String message, Pos pos) {
        all.add(new Diagnostic(Diagnostic.Severity.ERROR, code, message, pos.file(), pos.line(), pos.column()));
    }

    public void error(LoadException e) {
        error(e.code(), e.getMessage(), e.pos());
    }

    public void warning(String code, String message, Pos pos) {
        all.add(new Diagnostic(Diagnostic.Severity.WARNING, code, message, pos.file(), pos.line(), pos.column()));
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> all() {
        return List.copyOf(all);
    }
}
