package dev.peregrine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top of the {@code peregrine} command; each part of the product adds a subcommand. */
@Command(
        name = "peregrine",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Runtime security for serverless containers.",
                "",
                "Peregrine traces a container's workload from the inside (ptrace + seccomp, no kernel "
                        + "module, no eBPF), evaluates Falco rules on what it does, and stops attacks.",
        },
        subcommands = {
                CommandLine.HelpCommand.class,
                dev.peregrine.cli.up.UpCommand.class,
                dev.peregrine.cli.run.RunCommand.class,
                dev.peregrine.cli.trace.TraceCommand.class,
                dev.peregrine.cli.rules.RulesCommand.class,
                dev.peregrine.cli.instrument.InstrumentCommand.class,
                dev.peregrine.cli.instrument.ImageConfigCommand.class,
                dev.peregrine.cli.instrument.MacroCommand.class,
                dev.peregrine.cli.orchestrator.OrchestratorCommand.class,
                dev.peregrine.cli.backend.BackendCommand.class,
                dev.peregrine.cli.images.ImagesCommand.class,
                dev.peregrine.cli.task.TaskCommand.class,
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PEREGRINE_LOG_LEVEL   trace | debug | info (default) | warn | error | off",
                "",
                "Run 'peregrine help COMMAND' for the options of one command.",
        })
public final class PeregrineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: teach instead of doing nothing.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
