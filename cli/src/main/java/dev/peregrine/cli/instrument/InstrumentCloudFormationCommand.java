package dev.peregrine.cli.instrument;

import dev.peregrine.instrument.patch.CloudFormationPatcher;
import dev.peregrine.instrument.patch.PatchException;
import dev.peregrine.instrument.patch.PatchReport;
import dev.peregrine.instrument.patch.Recipe;
import dev.peregrine.instrument.patch.RecipeSettings;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cloudformation", aliases = "cfn", mixinStandardHelpOptions = true,
        description = {"Instrument every Fargate AWS::ECS::TaskDefinition of a CloudFormation template (JSON or YAML).",
                "Exit status 1 and nothing written when any container cannot be instrumented safely."})
public final class InstrumentCloudFormationCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TEMPLATE", description = "Template file, or - for stdin.")
    Path template;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the result (default stdout).")
    Path output;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Template parameter value (also AWS::Region, AWS::AccountId). Repeatable.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "json|yaml", description = "Output format (default: the input's).")
    String format;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        Recipe settings;
        TemplateFormat outputFormat;
        try {
            settings = RecipeSettings.apply(null, recipe.settings());
            outputFormat = format == null ? null : TemplateFormat.valueOf(format.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("peregrine: " + e.getMessage());
            return 2;
        }
        Document document;
        try {
            document = Templates.read(Output.read(template), template.toString());
        } catch (TemplateException e) {
            Output.problems(err, template.toString(), List.of(e.getMessage()));
            return 1;
        }
        try {
            PatchReport report = new CloudFormationPatcher(settings, registry.source(System.getenv(), spec.commandLine())).patch(document, parameters);
            Output.write(output, Templates.write(document, outputFormat == null ? document.format() : outputFormat),
                    spec.commandLine().getOut());
            report.lines().forEach(line -> err.println("peregrine: " + line));
            return 0;
        } catch (PatchException e) {
            Output.problems(err, template.toString(), e.problems());
            return 1;
        }
    }
}
