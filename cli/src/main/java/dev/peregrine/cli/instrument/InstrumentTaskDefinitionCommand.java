package dev.peregrine.cli.instrument;

import dev.peregrine.instrument.patch.PatchException;
import dev.peregrine.instrument.patch.PatchReport;
import dev.peregrine.instrument.patch.Recipe;
import dev.peregrine.instrument.patch.RecipeSettings;
import dev.peregrine.instrument.patch.TaskDefinitionPatcher;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.TemplateException;
import dev.peregrine.instrument.template.TemplateFormat;
import dev.peregrine.instrument.template.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "taskdef", mixinStandardHelpOptions = true,
        description = {"Instrument an ECS task definition JSON: describe-task-definition output, register-task-definition input,",
                "or a list of container definitions. Exit status 1 and nothing written on any problem."})
public final class InstrumentTaskDefinitionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Task definition JSON, or - for stdin.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the result (default stdout).")
    Path output;

    @Option(names = "--register-input", description = "Write describe-task-definition output as register-task-definition input (read-only fields dropped, tags moved in).")
    boolean registerInput;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        Recipe settings;
        try {
            settings = RecipeSettings.apply(null, recipe.settings());
        } catch (IllegalArgumentException e) {
            err.println("peregrine: " + e.getMessage());
            return 2;
        }
        try {
            Document document = Templates.read(Output.read(file), file.toString(), TemplateFormat.JSON);
            PatchReport report = new TaskDefinitionPatcher(settings, registry.source(System.getenv(), spec.commandLine())).patch(document);
            if (registerInput) {
                document.root(TaskDefinitionPatcher.registerInput(document.root()));
            }
            Output.write(output, Templates.write(document), spec.commandLine().getOut());
            report.lines().forEach(line -> err.println("peregrine: " + line));
            return 0;
        } catch (TemplateException e) {
            Output.problems(err, file.toString(), List.of(e.getMessage()));
            return 1;
        } catch (PatchException e) {
            Output.problems(err, file.toString(), e.problems());
            return 1;
        }
    }
}
