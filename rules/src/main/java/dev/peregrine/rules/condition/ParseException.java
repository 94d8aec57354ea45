package dev.peregrine.rules.condition;

/** A condition that does not parse; {@code offset} is where in the condition text it failed. */
public final class ParseException extends RuntimeException {
    private final int offset;

    public ParseException(String message, int offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
