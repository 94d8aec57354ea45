package dev.peregrine.cli.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one image holds and how it starts. Images are built FROM scratch: every file comes from
 * a layer here.
 *
 * @param env        the image's environment, in this order
 * @param volumes    directories declared as volumes (the agent image's bundle, for {@code VolumesFrom})
 */
public record ImageRecipe(String name, List<Layer> layers, List<String> entrypoint, List<String> cmd,
                          Map<String, String> env, List<Integer> ports, List<String> volumes, String workingDir,
                          String user) {
    public ImageRecipe {
        layers = List.copyOf(layers);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
    }

    /** One image layer: files and directory trees copied to absolute paths in the image. */
    public record Layer(String name, List<Tree> trees) {
        public Layer {
            trees = List.copyOf(trees);
        }
    }

    /**
     * A file, or a directory with everything below it, put at {@code target}; permission bits
     * come from the source, owner from {@code ownership} ({@code uid:gid}).
     */
    public record Tree(Path source, String target, String ownership) {
        public static Tree root(Path source, String target) {
            return new Tree(source, target, "0:0");
        }
    }
}
