package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which workloads a policy applies to. Null fields match everything; set fields must all
 * match (exact names, {@code image_prefix} as a string prefix of the image reference).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scope(String cluster, String taskFamily, String containerName, String imagePrefix) {

    public static final Scope EVERYWHERE = new Scope(null, null, null, null);

    public boolean matches(Workload w) {
        return (cluster == null || cluster.equals(w.cluster()))
                && (taskFamily == null || taskFamily.equals(w.taskFamily()))
                && (containerName == null || containerName.equals(w.containerName()))
                && (imagePrefix == null || (w.image() != null && w.image().startsWith(imagePrefix)));
    }
}
