package dev.peregrine.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.template.Templates;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The task metadata v4 documents of a running task, built on every request from the containers'
 * current states. The ARNs are made up but well formed (region us-east-1, account 000000000000).
 */
final class TaskMetadataDocuments implements MetadataEndpoint.Source {
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    static final String ZONE = "us-east-1a";
    static final String ARN_PREFIX = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":";

    private final TaskDefinition task;
    private final String cluster;
    private final String taskArn;
    private final Supplier<Collection<ContainerRun>> containers;
    private final BooleanSupplier stopping;
    private final Instant pullStarted;
    private final Supplier<Instant> pullStopped;

    TaskMetadataDocuments(TaskDefinition task, String cluster, String taskArn, Supplier<Collection<ContainerRun>> containers,
                          BooleanSupplier stopping, Instant pullStarted, Supplier<Instant> pullStopped) {
        this.task = task;
        this.cluster = cluster;
        this.taskArn = taskArn;
        this.containers = containers;
        this.stopping = stopping;
        this.pullStarted = pullStarted;
        this.pullStopped = pullStopped;
    }

    @Override
    public List<String> dockerIds() {
        return containers.get().stream().map(c -> c.plan.dockerId()).toList();
    }

    @Override
    public ObjectNode container(String dockerId) {
        return containers.get().stream().filter(c -> c.plan.dockerId().equals(dockerId)).findFirst()
                .map(this::describe).orElse(null);
    }

    @Override
    public ObjectNode task() {
        ObjectNode node = Templates.json().createObjectNode();
        node.put("Cluster", ARN_PREFIX + "cluster/" + cluster);
        node.put("TaskARN", taskArn);
        node.put("Family", task.family());
        node.put("Revision", task.revision());
        node.put("DesiredStatus", stopping.getAsBoolean() ? "STOPPED" : "RUNNING");
        boolean allStopped = containers.get().stream().allMatch(c -> c.status == ContainerRun.Status.STOPPED);
        boolean anyRunning = containers.get().stream().anyMatch(c -> c.status == ContainerRun.Status.RUNNING);
        node.put("KnownStatus", allStopped ? "STOPPED" : anyRunning ? "RUNNING" : "PENDING");
        ArrayNode list = node.putArray("Containers");
        containers.get().forEach(c -> list.add(describe(c)));
        node.put("PullStartedAt", pullStarted.toString());
        if (pullStopped.get() != null) {
            node.put("PullStoppedAt", pullStopped.get().toString());
        }
        node.put("AvailabilityZone", ZONE);
        node.put("LaunchType", "FARGATE");
        node.putObject("ClockDrift").put("ReferenceTimestamp", Instant.now().toString()).put("ClockSynchronizationStatus", "SYNCHRONIZED");
        return node;
    }

    private ObjectNode describe(ContainerRun c) {
        ObjectNode node = Templates.json().createObjectNode();
        node.put("DockerId", c.plan.dockerId());
        node.put("Name", c.name());
        node.put("DockerName", "ecs-" + task.family() + "-" + task.revision() + "-" + c.name() + "-" + c.plan.dockerId().substring(0, 16));
        node.put("Image", c.plan.definition().image());
        node.put("ImageID", c.plan.imageId());
        ObjectNode labels = node.putObject("Labels");
        labels.put("com.amazonaws.ecs.cluster", ARN_PREFIX + "cluster/" + cluster);
        labels.put("com.amazonaws.ecs.container-name", c.name());
        labels.put("com.amazonaws.ecs.task-arn", taskArn);
        labels.put("com.amazonaws.ecs.task-definition-family", task.family());
        labels.put("com.amazonaws.ecs.task-definition-version", task.revision());
        node.put("DesiredStatus", stopping.getAsBoolean() || c.status == ContainerRun.Status.STOPPED ? "STOPPED" : "RUNNING");
        node.put("KnownStatus", c.status.name());
        if (c.exitCode != null) {
            node.put("ExitCode", c.exitCode);
        }
        if (c.startedAt != null) {
            node.put("StartedAt", c.startedAt.toString());
        }
        if (c.finishedAt != null) {
            node.put("FinishedAt", c.finishedAt.toString());
        }
        node.put("Type", "NORMAL");
        if (c.plan.definition().healthCheck() != null) {
            node.putObject("Health").put("status", c.health.name());
        }
        ObjectNode network = node.putArray("Networks").addObject();
        network.put("NetworkMode", "awsvpc");
        network.putArray("IPv4Addresses").add("127.0.0.1");
        return node;
    }
}
