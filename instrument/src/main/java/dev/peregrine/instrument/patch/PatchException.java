package dev.peregrine.instrument.patch;

import java.util.List;

/** Everything that stops a template from being patched safely; nothing is written then. */
public final class PatchException extends Exception {
    private final List<String> problems;

    public PatchException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
