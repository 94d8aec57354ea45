package dev.peregrine.rules.event;

import java.util.List;

/** The engine's own {@link ContainerInfo}. */
public record ContainerRecord(String id, String name, String image, String imageRepository, String imageTag,
                              String imageDigest, Boolean privileged, long startTimeNanos, List<Mount> mounts,
                              String k8sPodName, String k8sNamespace) implements ContainerInfo {
    public ContainerRecord {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }
}
