package dev.peregrine.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.template.Templates;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    public static final String ZONE = "us-east-1a";

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
    private final List<Thread> pumps = new ArrayList<>();
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
        return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + options.cluster() + "/" + taskId;
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
        ImageStore images = new ImageStore(options.registry(), options.workDir(), this::progress);
        task.warnings().forEach(this::progress);
        Thread cleanup = new Thread(this::killAll, "peregrine-task-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (MetadataEndpoint metadata = MetadataEndpoint.start(new Metadata());
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
                threads.submit(() -> lifecycle(container, helper, pidNamespace));
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
            List<Thread> logs;
            synchronized (pumps) {
                logs = List.copyOf(pumps);
            }
            for (Thread pump : logs) {
                pump.join(2000);
            }
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
        String line = awaitStatus(status, init);
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

    private void lifecycle(ContainerRun container, EnterHelper helper, Path pidNamespace) {
        try {
            for (TaskDefinition.Dependency d : container.plan.definition().dependsOn()) {
                awaitCondition(container, d);
            }
            synchronized (startLock) {
                if (stopping) {
                    container.neverRuns("the task stopped before container '" + container.name() + "' started");
                    return;
                }
                start(container, helper, pidNamespace);
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

    private void start(ContainerRun container, EnterHelper helper, Path pidNamespace)
            throws IOException, InterruptedException, TaskException {
        Path status = taskDir.resolve("containers").resolve(container.name()).resolve("status");
        Files.deleteIfExists(status);
        progress("starting " + container.name() + ": " + String.join(" ", container.plan.argv()));
        // Output goes through FIFOs the runner owns: the JDK's own process pipes drop what is left in
        // them when the process exits (a SIGTERM handler's last words).
        Path stdout = fifo(status.resolveSibling("stdout"));
        Path stderr = fifo(status.resolveSibling("stderr"));
        pump(container.name(), stdout, options.out());
        pump(container.name(), stderr, options.err());
        ProcessBuilder builder = new ProcessBuilder(helper.run(container.plan, status, pidNamespace))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().clear();
        Process shim;
        try {
            shim = builder.start();
        } catch (IOException e) {
            release(stdout);
            release(stderr);
            throw e;
        }
        container.shim = shim;
        String line = awaitStatus(status, shim);
        if (line == null || !line.startsWith("started ")) {
            shim.waitFor();
            String why = line == null ? "exited with code " + shim.exitValue() + " before it started"
                    : line.startsWith("error ") ? line.substring(6) : line;
            throw new TaskException("container '" + container.name() + "' failed to start: " + why);
        }
        container.hostPid = Long.parseLong(line.substring("started ".length()).trim());
        container.startedAt = Instant.now();
        container.status = ContainerRun.Status.RUNNING;
        container.started.complete(null);
    }

    /** The helper writes its status file once PID 1 was executed (or could not be). */
    private static String awaitStatus(Path status, Process process) throws IOException, InterruptedException {
        while (true) {
            if (Files.exists(status)) {
                return Files.readString(status).strip();
            }
            if (!process.isAlive()) {
                return Files.exists(status) ? Files.readString(status).strip() : null;
            }
            Thread.sleep(5);
        }
    }

    private static Path fifo(Path path) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed: " + output.strip());
        }
        return path;
    }

    /** Unblocks a pump still waiting for a writer that will never come. */
    private static void release(Path fifo) {
        try (var ignored = Files.newOutputStream(fifo)) {
            // opened and closed: the reader sees end of file
        } catch (IOException e) {
            // nobody waits
        }
    }

    private void pump(String name, Path fifo, PrintStream target) {
        // A platform thread: opening a FIFO blocks in the kernel and would pin a virtual thread's carrier.
        Thread thread = Thread.ofPlatform().daemon().name("peregrine-task-log-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(fifo), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (target) {
                        target.println(name + " | " + line);
                        target.flush();
                    }
                }
            } catch (IOException e) {
                // the container's pipe closed
            }
        });
        synchronized (pumps) {
            pumps.add(thread);
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

    /** The task as the metadata endpoint shows it. */
    private final class Metadata implements MetadataEndpoint.Source {
        @Override
        public List<String> dockerIds() {
            return containers.values().stream().map(c -> c.plan.dockerId()).toList();
        }

        @Override
        public ObjectNode container(String dockerId) {
            return containers.values().stream().filter(c -> c.plan.dockerId().equals(dockerId)).findFirst()
                    .map(this::describe).orElse(null);
        }

        @Override
        public ObjectNode task() {
            ObjectNode node = Templates.json().createObjectNode();
            node.put("Cluster", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + options.cluster());
            node.put("TaskARN", taskArn());
            node.put("Family", task.family());
            node.put("Revision", task.revision());
            node.put("DesiredStatus", stopping || outcome.isDone() ? "STOPPED" : "RUNNING");
            boolean allStopped = containers.values().stream().allMatch(c -> c.status == ContainerRun.Status.STOPPED);
            boolean anyRunning = containers.values().stream().anyMatch(c -> c.status == ContainerRun.Status.RUNNING);
            node.put("KnownStatus", allStopped ? "STOPPED" : anyRunning ? "RUNNING" : "PENDING");
            ArrayNode list = node.putArray("Containers");
            containers.values().forEach(c -> list.add(describe(c)));
            node.put("PullStartedAt", pullStarted.toString());
            if (pullStopped != null) {
                node.put("PullStoppedAt", pullStopped.toString());
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
            labels.put("com.amazonaws.ecs.cluster", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + options.cluster());
            labels.put("com.amazonaws.ecs.container-name", c.name());
            labels.put("com.amazonaws.ecs.task-arn", taskArn());
            labels.put("com.amazonaws.ecs.task-definition-family", task.family());
            labels.put("com.amazonaws.ecs.task-definition-version", task.revision());
            node.put("DesiredStatus", stopping || c.status == ContainerRun.Status.STOPPED ? "STOPPED" : "RUNNING");
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
}
