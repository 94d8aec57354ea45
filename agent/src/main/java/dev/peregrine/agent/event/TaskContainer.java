package dev.peregrine.agent.event;

import dev.peregrine.rules.event.ContainerInfo;

import java.util.List;

/**
 * The container the agent protects ({@code container.*}), from the ECS task metadata.
 *
 * @param id    the short (12 character) container id
 * @param name  the container name
 * @param image the image reference
 * @param startTimeNanos {@code container.start_ts}, epoch ns: when the agent, the container's first
 *              process, read the task metadata (the container had started, the workload had not)
 */
public record TaskContainer(String id, String name, String image, long startTimeNanos) implements ContainerInfo {
    public TaskContainer {
        if (id != null && id.length() > 12) {
            id = id.substring(0, 12);
        }
    }

    @Override
    public String imageRepository() {
        if (image == null) {
            return null;
        }
        String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = noDigest.lastIndexOf(':');
        return colon > noDigest.lastIndexOf('/') ? noDigest.substring(0, colon) : noDigest;
    }

    @Override
    public String imageTag() {
        if (image == null) {
            return null;
        }
        String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = noDigest.lastIndexOf(':');
        return colon > noDigest.lastIndexOf('/') ? noDigest.substring(colon + 1) : null;
    }

    @Override
    public String imageDigest() {
        return image != null && image.contains("@") ? image.substring(image.indexOf('@') + 1) : null;
    }

    @Override
    public Boolean privileged() {
        return null;
    }

    @Override
    public List<Mount> mounts() {
        return List.of();
    }
}
