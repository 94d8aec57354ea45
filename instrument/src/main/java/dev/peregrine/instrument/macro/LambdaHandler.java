package dev.peregrine.instrument.macro;

import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The macro as an AWS Lambda function without the AWS SDK: the Java runtime calls
 * {@code dev.peregrine.instrument.macro.LambdaHandler::handleRequest} with the event as a stream
 * and takes the response from the output stream. Settings come from {@code PEREGRINE_MACRO_*}
 * variables; registry credentials from {@code PEREGRINE_REGISTRY_AUTH}.
 */
public final class LambdaHandler {
    private final MacroHandler handler;

    public LambdaHandler() {
        this.handler = new MacroHandler(MacroHandler.settingsFromEnvironment(System.getenv()),
                RegistryClient.withDefaults(RegistryCredentials.fromEnvironment(System.getenv(), null)));
    }

    LambdaHandler(MacroHandler handler) {
        this.handler = handler;
    }

    public void handleRequest(InputStream input, OutputStream output) throws IOException {
        String request = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        output.write(handler.handle(request).getBytes(StandardCharsets.UTF_8));
        output.flush();
    }
}
