package dev.peregrine.cli.images;

import dev.peregrine.instrument.macro.LambdaHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine macro lambda}: the entry point of the peregrine-macro Lambda image. Speaks the
 * Lambda Runtime API (next invocation, response or error) and hands each event to
 * {@code dev.peregrine.instrument.macro.LambdaHandler::handleRequest}, so the image needs no
 * runtime interface client and no AWS SDK.
 */
@Command(name = "lambda", mixinStandardHelpOptions = true,
        description = "Runs the macro as an AWS Lambda function (the peregrine-macro image's entry point).")
public final class MacroLambdaCommand implements Callable<Integer> {
    static final String HANDLER = "dev.peregrine.instrument.macro.LambdaHandler::handleRequest";
    private static final String VERSION = "2018-06-01";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "HANDLER", description = "the function's configured handler; only " + HANDLER)
    String handler;

    @Option(names = "--runtime-api", paramLabel = "HOST:PORT", description = "Runtime API address (default: $AWS_LAMBDA_RUNTIME_API)")
    String runtimeApi;

    @Option(names = "--invocations", paramLabel = "N", description = "stop after N invocations (default: never)", defaultValue = "0")
    int invocations;

    @Override
    public Integer call() throws Exception {
        String api = runtimeApi != null ? runtimeApi : System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (api == null || api.isBlank()) {
            throw new ParameterException(spec.commandLine(), "no Runtime API: this runs inside AWS Lambda (AWS_LAMBDA_RUNTIME_API) or with --runtime-api");
        }
        String base = "http://" + api + "/" + VERSION + "/runtime";
        HttpClient http = HttpClient.newHttpClient();
        if (handler != null && !handler.equals(HANDLER)) {
            String message = "unsupported handler '" + handler + "'; this image runs " + HANDLER;
            post(http, base + "/init/error", error(message));
            throw new ParameterException(spec.commandLine(), message);
        }
        LambdaHandler lambda = new LambdaHandler();
        for (int done = 0; invocations == 0 || done < invocations; done++) {
            HttpResponse<byte[]> next = http.send(HttpRequest.newBuilder(URI.create(base + "/invocation/next")).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id")
                    .orElseThrow(() -> new IOException("Runtime API answered without Lambda-Runtime-Aws-Request-Id (HTTP " + next.statusCode() + ")"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                lambda.handleRequest(new ByteArrayInputStream(next.body()), out);
                post(http, base + "/invocation/" + id + "/response", out.toString(java.nio.charset.StandardCharsets.UTF_8));
            } catch (RuntimeException | IOException e) {
                // The function answers the error instead of dying; the macro itself already turns bad templates into status failure.
                post(http, base + "/invocation/" + id + "/error", error(e.toString()));
            }
        }
        return 0;
    }

    private static String error(String message) {
        return "{\"errorType\":\"PeregrineMacroError\",\"errorMessage\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"}";
    }

    private static void post(HttpClient http, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Runtime API " + url + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
