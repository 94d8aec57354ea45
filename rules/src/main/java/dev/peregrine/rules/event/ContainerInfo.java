package dev.peregrine.rules.event;

import java.util.List;

/** Container metadata ({@code container.*}, and {@code k8s.*} where the platform has it). */
public interface ContainerInfo {
    /** The short (12 character) container id. */
    String id();

    String name();

    /** Image as referenced, e.g. {@code docker.io/library/nginx:1.27}. */
    String image();

    String imageRepository();

    String imageTag();

    String imageDigest();

    /** Null when unknown. */
    Boolean privileged();

    /** Start time in ns since the epoch; 0 when unknown. */
    long startTimeNanos();

    List<Mount> mounts();

    /** Kubernetes metadata; null on platforms without it (ECS). */
    default String k8sPodName() {
        return null;
    }

    default String k8sNamespace() {
        return null;
    }

    record Mount(String source, String dest, String mode, boolean readWrite, String propagation) {
    }
}
