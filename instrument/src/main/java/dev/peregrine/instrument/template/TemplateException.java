package dev.peregrine.instrument.template;

/** A template that cannot be read; the message names the line and column when known. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
