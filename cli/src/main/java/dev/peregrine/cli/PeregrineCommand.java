package dev.peregrine.cli;

        subcommands = {
                CommandLine.HelpCommand.class,
                dev.peregrine.cli.run.RunCommand.class,
                dev.peregrine.cli.trace.TraceCommand.class,
                dev.peregrine.cli.rules.RulesCommand.class,
                dev.peregrine.cli.instrument.InstrumentCommand.class,
                dev.peregrine.cli.instrument.ImageConfigCommand.class,
                dev.peregrine.cli.instrument.MacroCommand.class,
                dev.peregrine.cli.orchestrator.OrchestratorCommand.class,
                dev.peregrine.cli.backend.BackendCommand.class,
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
