package dev.peregrine.cli.instrument;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peregrine instrument}: patch task definitions so their containers run under the agent. */
@Command(name = "instrument",
        description = "Instrument ECS task definitions: CloudFormation templates, task-definition JSON, Terraform container definitions.",
        mixinStandardHelpOptions = true,
        subcommands = {InstrumentCloudFormationCommand.class, InstrumentTaskDefinitionCommand.class, InstrumentTerraformCommand.class})
public final class InstrumentCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
