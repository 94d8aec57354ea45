package dev.peregrine.cli.task;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peregrine task}: ECS tasks on this machine. */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "Run ECS task definitions on this machine, as Fargate would (root, Linux; no Docker needed).",
        subcommands = {TaskRunCommand.class})
public final class TaskCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
