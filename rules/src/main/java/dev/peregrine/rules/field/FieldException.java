package dev.peregrine.rules.field;

/** A field name or argument the table does not accept; messages follow libs ("nonexistent field ..."). */
public final class FieldException extends RuntimeException {
    public FieldException(String message) {
        super(message, null, false, false);
    }
}
