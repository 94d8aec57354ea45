package dev.peregrine.cli.instrument;

import dev.peregrine.instrument.macro.MacroHandler;
import dev.peregrine.instrument.macro.MacroServer;
import dev.peregrine.instrument.patch.RecipeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "macro", mixinStandardHelpOptions = true,
        description = "The CloudFormation macro that instruments templates.",
        subcommands = {MacroCommand.Serve.class, dev.peregrine.cli.images.MacroLambdaCommand.class})
public final class MacroCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the macro contract over HTTP: POST / with {region, accountId, requestId, transformId,",
                    "templateParameterValues, params, fragment} answers {requestId, status, fragment, errorMessage}.",
                    "Settings: these options, then PEREGRINE_MACRO_<SETTING> variables, then each request's params."})
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", defaultValue = "8085", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
        String bind;

        @Mixin
        RecipeOptions recipe;

        @Mixin
        RegistryOptions registry;

        @Override
        public Integer call() throws Exception {
            Map<RecipeSettings, String> settings = new LinkedHashMap<>(MacroHandler.settingsFromEnvironment(System.getenv()));
            settings.putAll(recipe.settings());
            MacroHandler handler = new MacroHandler(settings, registry.source(System.getenv(), spec.commandLine()));
            CountDownLatch stopped = new CountDownLatch(1);
            try (MacroServer server = new MacroServer(handler, bind, port)) {
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                spec.commandLine().getErr().println("peregrine: macro listening on http://" + bind + ":" + server.port() + "/");
                spec.commandLine().getErr().flush();
                stopped.await();
            }
            return 0;
        }
    }
}
