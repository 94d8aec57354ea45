package dev.peregrine.cli.instrument;

import dev.peregrine.instrument.patch.PatchException;
import dev.peregrine.instrument.patch.Recipe;
import dev.peregrine.instrument.patch.RecipeSettings;
import dev.peregrine.instrument.patch.TerraformExternal;
import dev.peregrine.instrument.template.TemplateException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "terraform", mixinStandardHelpOptions = true,
        description = {"Terraform 'external' data source program: reads {\"container_definitions\": \"<json>\", ...settings} on stdin,",
                "prints {\"container_definitions\": \"<patched json>\"}. Query settings (agent_image, orchestrator_host, ...,",
                "ignore_containers, include_containers, cpu_architecture, log_stream_prefix) override the options."})
public final class InstrumentTerraformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        try {
            var settings = recipe.settings();
            Recipe base = settings.containsKey(RecipeSettings.AGENT_IMAGE) ? RecipeSettings.apply(null, settings) : null;
            String query = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            String result = TerraformExternal.run(query, base, registry.source(System.getenv(), spec.commandLine()));
            spec.commandLine().getOut().println(result);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException | TemplateException e) {
            Output.problems(err, "the container definitions", List.of(e.getMessage()));
            return 1;
        } catch (PatchException e) {
            Output.problems(err, "the container definitions", e.problems());
            return 1;
        }
    }
}
