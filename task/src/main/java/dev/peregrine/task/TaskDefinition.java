package dev.peregrine.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ECS task definition the local runner honours, with ECS defaults applied.
 *
 * @param pidMode "task" for one PID namespace shared by the task's containers, else null
 * @param warnings what the definition asks for that cannot be had here (secrets, environment files)
 */
public record TaskDefinition(String family, String revision, String pidMode, List<Volume> volumes, List<Container> containers,
                             List<String> warnings) {
    public TaskDefinition {
        volumes = List.copyOf(volumes);
        containers = List.copyOf(containers);
        warnings = List.copyOf(warnings);
    }

    public Optional<Container> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** A task volume: on Fargate a directory the task's containers share, here one under the work dir. */
    public record Volume(String name) {
    }

    /**
     * One container definition; null lists and strings mean "not set" (the image's value applies).
     *
     * @param stopTimeout time between SIGTERM and SIGKILL when the task stops (ECS default 30 s)
     */
    public record Container(String name, String image, boolean essential, List<String> entryPoint, List<String> command,
                            String workingDirectory, String user, Map<String, String> environment,
                            List<MountPoint> mountPoints, List<VolumeFrom> volumesFrom, List<String> capAdd, List<String> capDrop,
                            List<Dependency> dependsOn, HealthCheck healthCheck, Duration stopTimeout,
                            boolean readonlyRootFilesystem) {
        public Container {
            entryPoint = entryPoint == null ? null : List.copyOf(entryPoint);
            command = command == null ? null : List.copyOf(command);
            environment = Map.copyOf(environment);
            mountPoints = List.copyOf(mountPoints);
            volumesFrom = List.copyOf(volumesFrom);
            capAdd = List.copyOf(capAdd);
            capDrop = List.copyOf(capDrop);
            dependsOn = List.copyOf(dependsOn);
        }
    }

    public record MountPoint(String sourceVolume, String containerPath, boolean readOnly) {
    }

    public record VolumeFrom(String sourceContainer, boolean readOnly) {
    }

    public enum Condition { START, COMPLETE, SUCCESS, HEALTHY }

    public record Dependency(String containerName, Condition condition) {
    }

    /** {@code command} is ECS's form: {@code ["CMD", exe, args...]} or {@code ["CMD-SHELL", "text"]}. */
    public record HealthCheck(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
        public HealthCheck {
            command = List.copyOf(command);
        }
    }
}
