package dev.peregrine.instrument.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Image configs given by hand (for example {@code docker inspect} output saved in CI), asked
 * before the registry; images it does not know go to the next source.
 */
public final class KnownImages implements ImageConfigSource {
    private final Map<String, ImageConfig> configs = new LinkedHashMap<>();
    private final ImageConfigSource next;

    public KnownImages(ImageConfigSource next) {
        this.next = next;
    }

    public KnownImages put(ImageConfig config) {
        configs.put(config.reference(), config);
        return this;
    }

    @Override
    public ImageConfig config(String reference, Platform platform) throws RegistryException {
        ImageConfig known = configs.get(reference);
        return known != null ? known : next.config(reference, platform);
    }
}
