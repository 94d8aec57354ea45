package dev.peregrine.cli.task;

import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryCredentials;
import dev.peregrine.task.TaskDefinition;
import dev.peregrine.task.TaskDefinitionReader;
import dev.peregrine.task.TaskException;
import dev.peregrine.task.TaskOptions;
import dev.peregrine.task.TaskRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, exitCodeOnInvalidInput = TaskRunCommand.RUNNER_ERROR,
        description = {"Run an ECS task definition here, as root: each container a process tree in its own mount and PID "
                + "namespaces on its image's root filesystem, all sharing the host network; the ECS task metadata endpoint v4 on 127.0.0.1.",
                "Container output is printed as 'NAME | line'. Ctrl-C stops the task as ECS does (SIGTERM, stopTimeout, SIGKILL).",
                "Exit status: that of the essential container that stopped the task; 125 when the task cannot start "
                        + "(or the command line is wrong), as docker run."})
public final class TaskRunCommand implements Callable<Integer> {
    static final int RUNNER_ERROR = 125;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TASKDEF", description = "register-task-definition JSON, a CloudFormation template (YAML or JSON) with one AWS::ECS::TaskDefinition, or a bare resource or its Properties.")
    Path taskDefinition;

    @Option(names = "--rootfs", paramLabel = "NAME=DIR", description = "Container NAME uses DIR as its root filesystem instead of pulling its image. Repeatable.")
    Map<String, Path> rootfs = new LinkedHashMap<>();

    @Option(names = "--registry-insecure", paramLabel = "HOST[:PORT]", description = "Reach this registry over plain HTTP (localhost always is). Repeatable.")
    List<String> insecure = new ArrayList<>();

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "/var/tmp/peregrine-task", description = "Image cache and task state (default ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "default", description = "Cluster name in the task metadata (default ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--resource", paramLabel = "LOGICAL_ID", description = "The AWS::ECS::TaskDefinition of a template with several.")
    String resource;

    @Option(names = "--platform", paramLabel = "ARCH", description = "Image platform: X86_64 or ARM64 (default: this machine's).")
    String platform;

    @Option(names = "--docker-config", paramLabel = "FILE", description = "Docker config.json with registry credentials (default $DOCKER_CONFIG/config.json or ~/.docker/config.json).")
    Path dockerConfig;

    @Override
    public Integer call() {
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        try {
            TaskDefinition task = TaskDefinitionReader.read(taskDefinition, resource);
            for (String name : rootfs.keySet()) {
                if (task.container(name).isEmpty()) {
                    throw new TaskException("--rootfs " + name + "=...: the task has no container named '" + name + "'");
                }
            }
            Platform target = Platform.parse(platform != null ? platform : System.getProperty("os.arch"));
            RegistryClient registry = new RegistryClient(RegistryCredentials.fromEnvironment(System.getenv(), dockerConfig),
                    Duration.ofSeconds(30), Set.copyOf(insecure), Duration.ofMinutes(5));
            TaskRunner runner = new TaskRunner(task, new TaskOptions(workDir.toAbsolutePath(), absolute(rootfs), registry, target,
                    cluster, out, err));
            StopSignals.install(runner);
            return runner.run();
        } catch (TaskException | IllegalArgumentException | IOException e) {
            err.println("peregrine task run: " + e.getMessage());
            return RUNNER_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RUNNER_ERROR;
        }
    }

    private static Map<String, Path> absolute(Map<String, Path> rootfs) {
        Map<String, Path> out = new LinkedHashMap<>();
        rootfs.forEach((k, v) -> out.put(k, v.toAbsolutePath()));
        return out;
    }
}
