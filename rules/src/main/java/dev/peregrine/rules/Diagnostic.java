package dev.peregrine.rules;

import java.util.Locale;

/**
 * An error or warning found while loading rules files, with Falco's code (for example
 * {@code LOAD_ERR_COMPILE_CONDITION}, {@code LOAD_UNUSED_MACRO}) and the position it is about.
 * Lines and columns count from 1; 0 means the position is not known.
 */
public record Diagnostic(Severity severity, String code, String message, String file, int line, int column) {
    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:column: error LOAD_ERR_...: message}, the form compilers print. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + " " + code + ": " + message;
    }
}
