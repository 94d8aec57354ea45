package dev.peregrine.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * ECS task metadata endpoint v4 as Fargate serves it to a container ({@code $URI} and
 * {@code $URI/task}), so that agents outside AWS report the workload they would report in a task.
 */
final class TaskMetadataEndpoint implements AutoCloseable {
    static final String CLUSTER = "e2e-cluster";
    static final String FAMILY = "e2e-web";
    static final String TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/" + CLUSTER + "/0123456789abcdef0123456789abcdef";
    static final String CONTAINER = "app";
    static final String IMAGE = "registry.example/shop/web:1.4";
    static final String ZONE = "eu-west-1b";

    private final HttpServer server;

    private TaskMetadataEndpoint(HttpServer server) {
        this.server = server;
    }

    static TaskMetadataEndpoint start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String container = "{\"DockerId\":\"0123456789abcdef-1234567890\",\"Name\":\"" + CONTAINER + "\",\"Image\":\"" + IMAGE
                + "\",\"Labels\":{}}";
        String task = "{\"Cluster\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/" + CLUSTER + "\",\"TaskARN\":\"" + TASK_ARN
                + "\",\"Family\":\"" + FAMILY + "\",\"Revision\":\"3\",\"AvailabilityZone\":\"" + ZONE
                + "\",\"LaunchType\":\"FARGATE\",\"Containers\":[" + container + "]}";
        s.createContext("/v4/e2e", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = (path.endsWith("/task") ? task : container).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.start();
        return new TaskMetadataEndpoint(s);
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/e2e";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
