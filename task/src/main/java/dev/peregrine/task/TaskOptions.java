package dev.peregrine.task;

import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run a task here.
 *
 * @param workDir  image cache, helper, per-task state (container layers, volumes)
 * @param rootfs   container name to a root filesystem directory used instead of its image
 * @param cluster  the cluster name the metadata endpoint reports
 * @param out      container stdout lines ({@code NAME | line})
 * @param err      container stderr lines and the runner's progress
 */
public record TaskOptions(Path workDir, Map<String, Path> rootfs, RegistryClient registry, Platform platform, String cluster,
                          PrintStream out, PrintStream err) {
    public TaskOptions {
        rootfs = Map.copyOf(rootfs);
    }
}
