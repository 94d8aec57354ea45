package dev.peregrine.rules.load;

/** A place in a rules file; line and column count from 1 (0 when unknown). */
public record Pos(String file, int line, int column) {
    public static Pos of(String file) {
        return new Pos(file, 0, 0);
    }
}
