package dev.peregrine.task;


import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one task definition on this machine the way ECS runs it on Fargate: containers start as
 * their {@code dependsOn} conditions are met; the first essential container to exit stops the
 * task (every other container gets SIGTERM, then SIGKILL after its stopTimeout) and its exit
 * code is the task's. A container that cannot start, or a condition that can never be met,
 * stops the task and is reported as a {@link TaskException}.
 */
public final class TaskRunner {
    private final TaskDefinition task;
    private final TaskOptions options;
    private final String taskId = TaskPlanner.hex(16);
    private final Path taskDir;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private final Map<String, ContainerRun> containers = new LinkedHashMap<>();
    private final Object startLock = new Object();
    private volatile boolean stopping;
    private volatile Process init;
    private final Instant pullStarted = Instant.now();
    private volatile Instant pullStopped;

    private sealed interface Outcome {
    }

    private record Exited(String container, int code) implements Outcome {
    }

    private record Failed(String message) implements Outcome {
    }

    public TaskRunner(TaskDefinition task, TaskOptions options) {
        this.task = task;
        this.options = options;
        this.taskDir = options.workDir().resolve("tasks").resolve(taskId);
    }

    public String taskArn() {
        return TaskMetadataDocuments.ARN_PREFIX + "task/" + options.cluster() + "/" + taskId;
    }

    /** Asks the task to stop as ECS stops it (SIGINT/SIGTERM to the runner): safe from any thread. */
    public void stop() {
        stopRequested.complete(null);
    }

    /** Stops the task at once: SIGKILL to every container (a second Ctrl-C). */
    public void kill() {
        stop();
        killAll();
    }

    /**
     * Runs the task to its end and returns its exit code.
     *
     * @throws TaskException when the task could not start; nothing is left running
     */
    public int run() throws TaskException, IOException, InterruptedException {
        EnterHelper helper = EnterHelper.extract(options.workDir().resolve("bin"));
        ContainerLauncher launcher = new ContainerLauncher(helper, taskDir, options.out(), options.err(), this::progress);
        ImageStore images = new ImageStore(options.registry(), options.workDir(), this::progress);
        task.warnings().forEach(this::progress);
        Thread cleanup = new Thread(this::killAll, "peregrine-task-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (MetadataEndpoint metadata = MetadataEndpoint.start(new TaskMetadataDocuments(task, options.cluster(), taskArn(),
                containers::values, () -> stopping || outcome.isDone(), pullStarted, () -> pullStopped));
             // Platform threads: starting a container blocks in the kernel (FIFO opens) and must not pin carriers.
             ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("peregrine-task-", 0).factory())) {
            Files.createDirectories(taskDir);
            boolean overlays = helper.overlayWorks(taskDir);
            if (!overlays) {
                progress("overlay mounts do not work under " + taskDir + "; each container gets a copy of its image");
            }
            List<ContainerPlan> plans = new TaskPlanner(task, options, images, taskDir, metadata::uri, this::progress, overlays)
                    .stopWhen(stopRequested::isDone).plan();
            pullStopped = Instant.now();
            if (stopRequested.isDone()) {
                throw new TaskException("the task was stopped before its containers started");
            }
            for (ContainerPlan plan : plans) {
                containers.put(plan.name(), new ContainerRun(plan));
            }
            Path pidNamespace = "task".equals(task.pidMode()) ? startInit(helper) : null;
            for (ContainerRun container : containers.values()) {
                threads.submit(() -> lifecycle(container, helper, launcher, pidNamespace));
            }
            CompletableFuture.anyOf(outcome, stopRequested).join();
            if (stopRequested.isDone() && !outcome.isDone()) {
                progress("stopping the task");
            }
            stopAll();
            threads.shutdown();
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } finally {
            killAll();
            stopInit();
            launcher.drain();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            try {
                LayerUnpacker.delete(taskDir);
            } catch (IOException e) {
                progress("could not remove " + taskDir + ": " + e);
            }
        }
        Outcome result = outcome.getNow(new Failed("the task stopped before any essential container exited"));
        return switch (result) {
            case Exited exited -> {
                progress("task stopped: essential container " + exited.container() + " exited with code " + exited.code());
                yield exited.code();
            }
            case Failed failed -> throw new TaskException(failed.message());
        };
    }

    private Path startInit(EnterHelper helper) throws IOException, InterruptedException, TaskException {
        Path status = taskDir.resolve("init.status");
        init = new ProcessBuilder(helper.init(status)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String line = ContainerLauncher.awaitStatus(status, init);
        if (line == null || !line.startsWith("started ")) {
            throw new TaskException("the task's shared PID namespace (pidMode task) could not be created" + (line == null ? "" : ": " + line));
        }
        return Path.of("/proc", line.substring("started ".length()).trim(), "ns", "pid");
    }

    private void stopInit() throws InterruptedException {
        Process p = init;
        if (p != null) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private void lifecycle(ContainerRun container, EnterHelper helper, ContainerLauncher launcher, Path pidNamespace) {
        try {
            for (TaskDefinition.Dependency d : container.plan.definition().dependsOn()) {
                awaitCondition(container, d);
            }
            synchronized (startLock) {
                if (stopping) {
                    container.neverRuns("the task stopped before container '" + container.name() + "' started");
                    return;
                }
                launcher.start(container, pidNamespace);
            }
        } catch (TaskException e) {
            container.neverRuns(e.getMessage());
            outcome.complete(new Failed(e.getMessage()));
            return;
        } catch (Exception e) {
            String message = "container '" + container.name() + "' failed to start: " + e;
            container.neverRuns(message);
            outcome.complete(new Failed(message));
            return;
        }
        if (container.plan.definition().healthCheck() != null) {
            Thread.ofVirtual().start(new HealthChecker(container, helper, this::progress));
        } else {
            container.healthy.completeExceptionally(new TaskException("container '" + container.name() + "' has no health check"));
        }
        try {
            int code = container.shim.waitFor();
            container.exitCode = code;
            container.finishedAt = Instant.now();
            container.status = ContainerRun.Status.STOPPED;
            progress(container.name() + " exited with code " + code);
            container.exited.complete(code);
            if (container.plan.definition().essential()) {
                outcome.complete(new Exited(container.name(), code));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitCondition(ContainerRun container, TaskDefinition.Dependency d) throws TaskException {
        ContainerRun dependency = containers.get(d.containerName());
        CompletableFuture<?> condition = switch (d.condition()) {
            case START -> dependency.started;
            case COMPLETE, SUCCESS -> dependency.exited;
            case HEALTHY -> dependency.healthy;
        };
        String what = "container '" + container.name() + "' depends on '" + d.containerName() + "' (" + d.condition() + ")";
        try {
            CompletableFuture.anyOf(condition, stopRequested, outcome).join();
            if (!condition.isDone()) {
                throw new TaskException("the task stopped before " + what + " was met");
            }
            Object value = condition.join();
            if (d.condition() == TaskDefinition.Condition.SUCCESS && (Integer) value != 0) {
                throw new TaskException(what + " can never be met: '" + d.containerName() + "' exited with code " + value);
            }
        } catch (CompletionException e) {
            throw new TaskException(what + " can never be met: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * ECS's stop: SIGTERM to each container's PID 1, SIGKILL after its stopTimeout; in reverse
     * dependency order (a container stops only once the containers that depend on it have).
     */
    private void stopAll() throws InterruptedException {
        synchronized (startLock) {
            stopping = true;
        }
        Map<String, CompletableFuture<Void>> stopped = new LinkedHashMap<>();
        containers.keySet().forEach(name -> stopped.put(name, new CompletableFuture<>()));
        List<Thread> stoppers = new ArrayList<>();
        for (ContainerRun container : containers.values()) {
            List<CompletableFuture<Void>> dependents = containers.values().stream()
                    .filter(c -> c.plan.definition().dependsOn().stream().anyMatch(d -> d.containerName().equals(container.name())))
                    .map(c -> stopped.get(c.name())).toList();
            stoppers.add(Thread.ofVirtual().start(() -> {
                try {
                    dependents.forEach(CompletableFuture::join);
                    stop(container);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopped.get(container.name()).complete(null);
                }
            }));
        }
        for (Thread stopper : stoppers) {
            stopper.join();
        }
    }

    private void stop(ContainerRun container) throws InterruptedException {
        Process shim = container.shim;
        if (shim == null || !shim.isAlive()) {
            return;
        }
        shim.destroy(); // the shim passes SIGTERM to PID 1
        if (!shim.waitFor(container.plan.definition().stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            progress(container.name() + " did not stop within " + container.plan.definition().stopTimeout().toSeconds()
                    + " s of SIGTERM: SIGKILL");
            kill(container);
            shim.waitFor();
        }
    }

    /** SIGKILL to the shim; its PID 1 dies with it (parent-death signal), and with PID 1 its namespace. */
    private static void kill(ContainerRun container) {
        Process shim = container.shim;
        if (shim != null) {
            shim.destroyForcibly();
        }
    }

    /** Last resort (also the shutdown hook): nothing of the task outlives the runner. */
    private void killAll() {
        for (ContainerRun container : containers.values()) {
            Process shim = container.shim;
            if (shim != null && shim.isAlive()) {
                kill(container);
                try {
                    shim.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Process p = init;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    private void progress(String message) {
        PrintStream err = options.err();
        synchronized (err) {
            err.println("peregrine task run: " + message);
            err.flush();
        }
    }
}
