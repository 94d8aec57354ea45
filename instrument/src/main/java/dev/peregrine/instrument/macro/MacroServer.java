package dev.peregrine.instrument.macro;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The macro over HTTP (the JDK's built-in server): {@code POST /} with the macro request as the
 * body answers the macro response; {@code GET /healthz} answers {@code ok}. Requests larger than
 * CloudFormation's template limit are refused.
 */
public final class MacroServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MacroServer.class);
    /** CloudFormation's largest template (1 MB from S3) with room for the envelope. */
    static final int MAX_REQUEST = 2 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;

    public MacroServer(MacroHandler handler, String bind, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/", exchange -> {
            try {
                if (!exchange.getRequestURI().getPath().equals("/")) {
                    respond(exchange, 404, "application/json", "{\"error\":\"not found: POST the macro request to /\"}");
                } else if (!exchange.getRequestMethod().equals("POST")) {
                    exchange.getResponseHeaders().add("Allow", "POST");
                    respond(exchange, 405, "application/json", "{\"error\":\"POST the macro request to /\"}");
                } else {
                    byte[] body = read(exchange.getRequestBody());
                    if (body == null) {
                        respond(exchange, 413, "application/json", "{\"error\":\"request larger than " + MAX_REQUEST + " bytes\"}");
                    } else {
                        respond(exchange, 200, "application/json", handler.handle(new String(body, StandardCharsets.UTF_8)));
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("macro request failed", e);
                respond(exchange, 500, "application/json", "{\"status\":\"failure\",\"errorMessage\":\"internal error\"}");
            }
        });
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_REQUEST + 1);
        return body.length > MAX_REQUEST ? null : body;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
