package dev.peregrine.instrument.registry;

import java.util.List;

/**
 * What an image's config says about how it starts. Null lists mean the image does not set
 * them; {@code digest} is the manifest digest the config was read from (null when given by hand).
 * {@code env} ({@code NAME=VALUE}) and {@code volumes} are what the registry said (null when the
 * config came from elsewhere).
 */
public record ImageConfig(String reference, Platform platform, String digest, List<String> entrypoint,
                          List<String> cmd, String workingDir, String user, List<String> env, List<String> volumes) {
    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = env == null ? null : List.copyOf(env);
        volumes = volumes == null ? null : List.copyOf(volumes);
    }

    public ImageConfig(String reference, Platform platform, String digest, List<String> entrypoint,
                       List<String> cmd, String workingDir, String user) {
        this(reference, platform, digest, entrypoint, cmd, workingDir, user, null, null);
    }
}
