package dev.peregrine.instrument.registry;

/** A failed registry lookup; the message names the image and says what went wrong. */
public final class RegistryException extends Exception {
    public enum Kind {
        /** The reference is not a valid image reference. */
        BAD_REFERENCE,
        /** Repository, tag, digest or blob does not exist. */
        NOT_FOUND,
        /** Credentials are missing or wrong. */
        UNAUTHORIZED,
        /** The registry could not be reached or timed out. */
        NETWORK,
        /** The registry answered something that is not a valid image. */
        PROTOCOL,
        /** An index without a manifest for the requested platform. */
        NO_PLATFORM,
        /** Lookups are switched off. */
        UNAVAILABLE
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
