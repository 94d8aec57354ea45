package dev.peregrine.rules.eval;

/** A condition that parses but cannot be compiled (unknown field, operator not valid for a type, bad value). */
public final class CompileException extends RuntimeException {
    private final int offset;

    public CompileException(String message, int offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
