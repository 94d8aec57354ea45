package dev.peregrine.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peregrine.instrument.template.Templates;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The ECS task metadata endpoint v4 on 127.0.0.1, as Fargate serves it: {@code GET /v4/ID} is
 * the container with that DockerId, {@code GET /v4/ID/task} the task with all its containers
 * ({@code /v3/} answers the same, for clients of {@code ECS_CONTAINER_METADATA_URI}).
 * The containers share the host's network namespace, so 127.0.0.1 reaches it from inside them.
 */
public final class MetadataEndpoint implements AutoCloseable {
    /** What the endpoint shows; asked on every request, so states and exit codes are current. */
    public interface Source {
        ObjectNode task();

        List<String> dockerIds();

        ObjectNode container(String dockerId);
    }

    private final HttpServer server;

    private MetadataEndpoint(HttpServer server) {
        this.server = server;
    }

    public static MetadataEndpoint start(Source source) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        com.sun.net.httpserver.HttpHandler handler = exchange -> {
            try (exchange) {
                String[] parts = exchange.getRequestURI().getPath().substring("/v4/".length()).split("/");
                String id = parts.length > 0 ? parts[0] : "";
                String what = parts.length > 1 ? parts[1] : "";
                if (!exchange.getRequestMethod().equals("GET") || !source.dockerIds().contains(id) || parts.length > 2
                        || !(what.isEmpty() || what.equals("task"))) {
                    send(exchange, 404, "{\"error\":\"not found\"}");
                    return;
                }
                send(exchange, 200, Templates.toCompactJson(what.equals("task") ? source.task() : source.container(id)));
            }
        };
        server.createContext("/v4/", handler);
        server.createContext("/v3/", handler); // ECS_CONTAINER_METADATA_URI: older clients, same documents here
        server.start();
        return new MetadataEndpoint(server);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The value of {@code ECS_CONTAINER_METADATA_URI_V4} for a container. */
    public String uri(String dockerId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/" + dockerId;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
