package dev.peregrine.cli.images;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peregrine images}: the OCI images of the agent, orchestrator and backend. */
@Command(
        name = "images",
        mixinStandardHelpOptions = true,
        description = "Builds Peregrine's OCI images (no Docker daemon needed) and pushes them to a registry.",
        subcommands = ImagesBuildCommand.class)
public final class ImagesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
