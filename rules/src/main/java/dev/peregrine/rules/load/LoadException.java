package dev.peregrine.rules.load;

/** Stops reading one item (or file) with a Falco error code; the loader turns it into a diagnostic. */
public final class LoadException extends RuntimeException {
    private final String code;
    private final Pos pos;

    public LoadException(String code, String message, Pos pos) {
        super(message, null, false, false);
        this.code = code;
        this.pos = pos;
    }

    public String code() {
        return code;
    }

    public Pos pos() {
        return pos;
    }
}
