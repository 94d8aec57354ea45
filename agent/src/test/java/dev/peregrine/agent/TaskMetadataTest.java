package dev.peregrine.agent;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ECS task metadata endpoint v4, served by a real local HTTP server with ECS's documented shapes. */
class TaskMetadataTest {
    @Test
    void workloadAndContainerFromTheEndpoint() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v4/abc", ex -> {
            String body = ex.getRequestURI().getPath().endsWith("/task") ? """
                    {"Cluster":"arn:aws:ecs:eu-west-1:111122223333:cluster/prod","TaskARN":"arn:aws:ecs:eu-west-1:111122223333:task/prod/0123",
                     "Family":"web","Revision":"7","AvailabilityZone":"eu-west-1b","LaunchType":"FARGATE","Containers":[]}
                    """ : """
                    {"DockerId":"0123456789abcdef0123","Name":"app","Image":"111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4",
                     "ImageID":"sha256:aa","Labels":{}}
                    """;
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            long before = System.currentTimeMillis() * 1_000_000L;
            TaskMetadata m = TaskMetadata.fromEnvironment(Map.of(TaskMetadata.VARIABLE,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc"), HttpClient.newHttpClient());
            assertEquals("prod", m.workload().cluster());
            assertEquals("arn:aws:ecs:eu-west-1:111122223333:task/prod/0123", m.workload().taskArn());
            assertEquals("web", m.workload().taskFamily());
            assertEquals("app", m.workload().containerName());
            assertEquals("eu-west-1b", m.workload().availabilityZone());
            assertEquals("0123456789ab", m.container().id());
            assertEquals("111122223333.dkr.ecr.eu-west-1.amazonaws.com/web", m.container().imageRepository());
            assertEquals("1.4", m.container().imageTag());
            // container.start_ts: when the agent, the container's first process, read the metadata.
            assertTrue(m.container().startTimeNanos() >= before, Long.toString(m.container().startTimeNanos()));
            assertTrue(m.container().startTimeNanos() <= System.currentTimeMillis() * 1_000_000L + 1_000_000L);
            assertEquals(List.of("cluster", "task_arn", "task_family", "container_name", "image", "availability_zone"),
                    List.copyOf(m.helloMetadata().keySet()));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutTheEndpointEverythingIsUnknown() {
        assertEquals(TaskMetadata.UNKNOWN, TaskMetadata.fromEnvironment(Map.of(), HttpClient.newHttpClient()));
        assertEquals(TaskMetadata.UNKNOWN, TaskMetadata.fromEnvironment(Map.of(TaskMetadata.VARIABLE, "http://127.0.0.1:1/v4/x"),
                HttpClient.newHttpClient()));
    }
}
