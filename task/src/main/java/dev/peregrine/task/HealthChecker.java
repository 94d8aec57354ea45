package dev.peregrine.task;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A container's health check as ECS runs it: every {@code interval} the command runs inside the
 * container (its namespaces, user, capabilities, environment); a run longer than {@code timeout}
 * fails; {@code retries} failures in a row make it UNHEALTHY, except failures within
 * {@code startPeriod}; one success makes it HEALTHY.
 */
final class HealthChecker implements Runnable {
    private final ContainerRun container;
    private final TaskDefinition.HealthCheck check;
    private final EnterHelper helper;
    private final Consumer<String> progress;

    HealthChecker(ContainerRun container, EnterHelper helper, Consumer<String> progress) {
        this.container = container;
        this.check = container.plan.definition().healthCheck();
        this.helper = helper;
        this.progress = progress;
    }

    /** ECS's command form to an argv: CMD runs the program, CMD-SHELL runs the text with /bin/sh -c. */
    static List<String> argv(List<String> command) {
        if (command.getFirst().equals("CMD-SHELL")) {
            return List.of("/bin/sh", "-c", String.join(" ", command.subList(1, command.size())));
        }
        return new ArrayList<>(command.subList(1, command.size()));
    }

    @Override
    public void run() {
        Instant graceEnds = container.startedAt.plus(check.startPeriod());
        int failures = 0;
        try {
            while (container.status == ContainerRun.Status.RUNNING) {
                Thread.sleep(check.interval().toMillis());
                if (container.status != ContainerRun.Status.RUNNING) {
                    break;
                }
                boolean passed = probe();
                if (passed) {
                    failures = 0;
                    if (container.health != ContainerRun.Health.HEALTHY) {
                        progress.accept(container.name() + " is HEALTHY");
                    }
                    container.health = ContainerRun.Health.HEALTHY;
                    container.healthy.complete(null);
                } else if (Instant.now().isAfter(graceEnds) && ++failures >= check.retries()
                        && container.health != ContainerRun.Health.UNHEALTHY) {
                    container.health = ContainerRun.Health.UNHEALTHY;
                    progress.accept(container.name() + " is UNHEALTHY (" + failures + " failed health checks)");
                    container.healthy.completeExceptionally(new TaskException("container '" + container.name()
                            + "' is UNHEALTHY: its health check failed " + failures + " times"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        container.healthy.completeExceptionally(new TaskException("container '" + container.name()
                + "' stopped before its health check passed"));
    }

    private boolean probe() throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(helper.exec(container.hostPid, container.plan, argv(check.command())))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return false;
        }
        Duration timeout = check.timeout();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly(); // its child dies with it (parent-death signal)
            process.waitFor();
            return false;
        }
        return process.exitValue() == 0;
    }
}
