package dev.peregrine.cli.rules;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peregrine rules}: work with Falco rules files. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Validate, list and try out Falco rules files (loaded in the order given, as Falco loads them).",
        subcommands = {ValidateCommand.class, ListCommand.class, EvalCommand.class})
public final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
