package dev.peregrine.protocol;

/**
 * Where an alert was raised: the ECS task and container, from the task metadata endpoint when
 * present, else from the environment. Every field may be null when unknown.
 */
public record Workload(
        String cluster,
        String taskArn,
        String taskFamily,
        String containerName,
        String image,
        String availabilityZone) {

    public static final Workload UNKNOWN = new Workload(null, null, null, null, null, null);
}
