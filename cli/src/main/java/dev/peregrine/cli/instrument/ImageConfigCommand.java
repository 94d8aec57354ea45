package dev.peregrine.cli.instrument;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryException;
import dev.peregrine.instrument.template.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "image-config", mixinStandardHelpOptions = true,
        description = "Print what the registry says about how an image starts (Entrypoint, Cmd, WorkingDir, User), as JSON.")
public final class ImageConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "Image reference with tag or digest, e.g. nginx:1.27 or ghcr.io/o/r@sha256:...")
    String image;

    @Option(names = "--platform", paramLabel = "X86_64|ARM64", defaultValue = "X86_64", description = "CPU architecture (default ${DEFAULT-VALUE}).")
    String platform;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws IOException {
        Platform target;
        try {
            target = Platform.parse(platform);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("peregrine: " + e.getMessage());
            return 2;
        }
        try {
            ImageConfig config = registry.source(System.getenv(), spec.commandLine()).config(image, target);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("image", config.reference());
            out.put("platform", config.platform().toString());
            out.put("digest", config.digest());
            out.set("Entrypoint", list(config.entrypoint()));
            out.set("Cmd", list(config.cmd()));
            out.put("WorkingDir", config.workingDir());
            out.put("User", config.user());
            spec.commandLine().getOut().print(Templates.toJson(out));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (RegistryException e) {
            spec.commandLine().getErr().println("peregrine: " + e.getMessage());
            return 1;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode list(List<String> values) {
        if (values == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        var array = JsonNodeFactory.instance.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
