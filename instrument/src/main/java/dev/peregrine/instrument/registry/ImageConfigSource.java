package dev.peregrine.instrument.registry;

/** Where the patcher learns an image's entrypoint and command. */
@FunctionalInterface
public interface ImageConfigSource {
    ImageConfig config(String reference, Platform platform) throws RegistryException;

    /** A source that knows no image: every lookup fails with the given reason. */
    static ImageConfigSource none(String reason) {
        return (reference, platform) -> {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, reference + ": " + reason);
        };
    }
}
