package dev.peregrine.rules.condition;

import java.util.Optional;

/** The comparison operators of Falco's condition language, as they are spelled. */
public enum Operator {
    EQ("="), EQEQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    CONTAINS("contains"), ICONTAINS("icontains"), BCONTAINS("bcontains"),
    STARTSWITH("startswith"), BSTARTSWITH("bstartswith"), ENDSWITH("endswith"),
    GLOB("glob"), IGLOB("iglob"), REGEX("regex"),
    IN("in"), INTERSECTS("intersects"), PMATCH("pmatch"),
    EXISTS("exists");

    private final String text;

    Operator(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Operators whose right-hand side is a list {@code (a, b)}. */
    public boolean takesList() {
        return this == IN || this == INTERSECTS || this == PMATCH;
    }

    public boolean isNumeric() {
        return this == LT || this == LE || this == GT || this == GE;
    }

    public static Optional<Operator> of(String text) {
        for (Operator op : values()) {
            if (op.text.equals(text)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
