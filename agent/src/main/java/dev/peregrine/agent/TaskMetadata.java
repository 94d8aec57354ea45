package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.agent.event.TaskContainer;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.Workload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the workload runs, from the ECS task metadata endpoint v4
 * ({@code ECS_CONTAINER_METADATA_URI_V4}: {@code GET $URI} is this container,
 * {@code GET $URI/task} the task). Without the endpoint (standalone, not on ECS) everything is
 * unknown and {@code container.*} fields read as a host process.
 *
 * @param workload  cluster, task, family, container, image, zone
 * @param container the {@code container.*} view, null when unknown
 */
public record TaskMetadata(Workload workload, TaskContainer container) {
    public static final String VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";
    public static final TaskMetadata UNKNOWN = new TaskMetadata(Workload.UNKNOWN, null);
    private static final System.Logger LOG = System.getLogger(TaskMetadata.class.getName());

    /** Reads the endpoint named by the environment; unknown when unset or unreachable (logged). */
    public static TaskMetadata fromEnvironment(Map<String, String> env, HttpClient client) {
        String uri = env.get(VARIABLE);
        if (uri == null || uri.isBlank()) {
            return UNKNOWN;
        }
        try {
            return fetch(URI.create(uri.strip()), client);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ECS task metadata at {0} unreadable: {1}", uri, e.toString());
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }

    static TaskMetadata fetch(URI base, HttpClient client) throws IOException, InterruptedException {
        JsonNode self = get(base, client);
        JsonNode task = get(URI.create(base.toString().replaceAll("/+$", "") + "/task"), client);
        String cluster = text(task, "Cluster");
        if (cluster != null && cluster.contains(":cluster/")) {
            cluster = cluster.substring(cluster.indexOf(":cluster/") + 9);
        }
        Workload w = new Workload(cluster, text(task, "TaskARN"), text(task, "Family"), text(self, "Name"),
                text(self, "Image"), text(task, "AvailabilityZone"));
        java.time.Instant now = java.time.Instant.now();
        return new TaskMetadata(w, new TaskContainer(text(self, "DockerId"), text(self, "Name"), text(self, "Image"),
                now.getEpochSecond() * 1_000_000_000L + now.getNano()));
    }

    private static JsonNode get(URI uri, HttpClient client) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered " + r.statusCode());
        }
        return ProtocolJson.mapper().readTree(r.body());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The {@code hello} metadata. */
    public Map<String, String> helloMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "cluster", workload.cluster());
        put(m, "task_arn", workload.taskArn());
        put(m, "task_family", workload.taskFamily());
        put(m, "container_name", workload.containerName());
        put(m, "image", workload.image());
        put(m, "availability_zone", workload.availabilityZone());
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
