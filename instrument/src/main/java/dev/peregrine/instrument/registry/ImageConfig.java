package dev.peregrine.instrument.registry;

import java.util.List;

/**
 * What an image's config says about how it starts. Null lists mean the image does not set
 * them; {@code digest} is the manifest digest the config was read from (null when given by hand).
 */
public record ImageConfig(String reference, Platform platform, String digest, List<String> entrypoint,
                          List<String> cmd, String workingDir, String user) {
    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
    }
}
