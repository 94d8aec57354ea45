package dev.peregrine.cli.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.peregrine.cli.PeregrineCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code peregrine macro lambda} against a Runtime API served here. */
class MacroLambdaCommandTest {
    HttpServer api;
    final List<String> posted = new CopyOnWriteArrayList<>();
    volatile String event;

    @BeforeEach
    void start() throws Exception {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/2018-06-01/runtime/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.endsWith("/invocation/next")) {
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "id-" + posted.size());
                byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } else {
                posted.add(path + " " + new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            }
            exchange.close();
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    private int run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PeregrineCommand()).setErr(new PrintWriter(err));
        String[] all = new String[args.length + 4];
        all[0] = "macro";
        all[1] = "lambda";
        all[2] = "--runtime-api";
        all[3] = "127.0.0.1:" + api.getAddress().getPort();
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.execute(all);
    }

    @Test
    void answersEachInvocationWithTheMacroResponse() {
        event = "{\"requestId\": \"r1\", \"region\": \"eu-west-1\", \"accountId\": \"1\", \"params\": {}, \"fragment\": "
                + "{\"Resources\": {}}, \"templateParameterValues\": {}}";
        assertEquals(0, run("--invocations", "2", MacroLambdaCommand.HANDLER));
        assertEquals(2, posted.size());
        assertTrue(posted.get(0).startsWith("/2018-06-01/runtime/invocation/id-0/response {"), posted.get(0));
        assertTrue(posted.get(1).startsWith("/2018-06-01/runtime/invocation/id-1/response {"), posted.get(1));
        // No agent image anywhere: the macro answers failure, and says why, rather than the function erroring.
        assertTrue(posted.get(0).contains("\"status\":\"failure\"") && posted.get(0).contains("r1"), posted.get(0));
    }

    @Test
    void anotherHandlerIsAnInitError() {
        assertEquals(2, run("com.example.Other::handle"));
        assertEquals(1, posted.size());
        assertTrue(posted.get(0).startsWith("/2018-06-01/runtime/init/error {\"errorType\":\"PeregrineMacroError\",\"errorMessage\":"
                + "\"unsupported handler 'com.example.Other::handle'; this image runs " + MacroLambdaCommand.HANDLER), posted.get(0));
    }
}
