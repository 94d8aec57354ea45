package dev.peregrine.rules.load;

/**
 * A place in a rules file; line and column count from 1 (0 when unknown). {@code verbatim} marks
 * the start of a scalar whose text sits on one line exactly as parsed (plain, or quoted without
 * escapes), so an offset into the text is a column offset in the file.
 */
public record Pos(String file, int line, int column, boolean verbatim) {
    public Pos(String file, int line, int column) {
        this(file, line, column, false);
    }

    public static Pos of(String file) {
        return new Pos(file, 0, 0);
    }

    /** The position {@code offset} characters into the text, when that is known; else this one. */
    public Pos at(int offset) {
        return verbatim && offset >= 0 ? new Pos(file, line, column + offset) : new Pos(file, line, column);
    }
}
