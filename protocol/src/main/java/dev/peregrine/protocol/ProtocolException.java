package dev.peregrine.protocol;

/** A frame or document that is not valid JSON or does not have the shape the protocol defines. */
public final class ProtocolException extends Exception {
    /** Dotted path of the offending field ({@code alerts[2].rule}), or empty when the whole input is at fault. */
    private final String field;

    public ProtocolException(String field, String message, Throwable cause) {
        super(field.isEmpty() ? message : "field '" + field + "': " + message, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
