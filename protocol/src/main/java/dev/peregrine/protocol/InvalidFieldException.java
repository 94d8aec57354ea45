package dev.peregrine.protocol;

/**
 * Thrown by a record's constructor when one field has a value the protocol does not allow.
 * The codec turns it into a {@link ProtocolException} whose path leads to that field.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public InvalidFieldException(String field, String problem) {
        super("field '" + field + "': " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "expected a non-empty string");
        }
    }

    static void requirePresent(Object value, String field) {
        if (value == null) {
            throw new InvalidFieldException(field, "is required");
        }
    }
}
