package dev.peregrine.task;

import dev.peregrine.instrument.registry.ImageConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to start one container, decided in Java; {@link EnterHelper} turns it into
 * the helper's arguments.
 *
 * @param root      the root filesystem mount: an overlay of {@code lower} (a cached image) or a bind of a directory
 * @param rootDir   where that root is mounted before the helper pivots into it
 * @param lower     the root filesystem's read-only content (the image, or the given directory)
 * @param argv      program and arguments (the program is looked up in the container's PATH)
 * @param env       {@code NAME=VALUE}, in order
 * @param binds     volumes, host files, in mount order
 * @param caps      capability mask (bounding set; also permitted/effective for root)
 */
public record ContainerPlan(TaskDefinition.Container definition, ImageConfig imageConfig, String imageId, Root root, Path rootDir,
                            Path lower, List<String> argv, List<String> env, String workingDirectory, ContainerUser user,
                            List<Bind> binds, long caps, String dockerId) {
    public ContainerPlan {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        binds = List.copyOf(binds);
    }

    public String name() {
        return definition.name();
    }

    /** How the container's root is made. */
    public sealed interface Root {
    }

    public record Overlay(Path lower, Path upper, Path work) implements Root {
    }

    public record BindRoot(Path dir) implements Root {
    }

    /** A host directory or file at {@code containerPath}. */
    public record Bind(Path source, String containerPath, boolean readOnly) {
    }
}
