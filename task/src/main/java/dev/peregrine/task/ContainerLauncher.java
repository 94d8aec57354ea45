package dev.peregrine.task;

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
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts containers through the enter helper and prints what they write, line by line, as
 * {@code NAME | line}: stdout lines to {@code out}, stderr lines to {@code err}.
 */
final class ContainerLauncher {
    private final EnterHelper helper;
    private final Path taskDir;
    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<String> progress;
    private final List<Thread> pumps = new ArrayList<>();

    ContainerLauncher(EnterHelper helper, Path taskDir, PrintStream out, PrintStream err, Consumer<String> progress) {
        this.helper = helper;
        this.taskDir = taskDir;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /**
     * Starts the container's shim and returns once PID 1 was executed.
     *
     * @throws TaskException when it could not be (the reason the helper gave)
     */
    void start(ContainerRun container, Path pidNamespace) throws IOException, InterruptedException, TaskException {
        Path status = taskDir.resolve("containers").resolve(container.name()).resolve("status");
        Files.deleteIfExists(status);
        progress.accept("starting " + container.name() + ": " + String.join(" ", container.plan.argv()));
        // Output goes through FIFOs the runner owns: the JDK's own process pipes drop what is left in
        // them when the process exits (a SIGTERM handler's last words).
        Path stdout = fifo(status.resolveSibling("stdout"));
        Path stderr = fifo(status.resolveSibling("stderr"));
        pump(container.name(), stdout, out);
        pump(container.name(), stderr, err);
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
    static String awaitStatus(Path status, Process process) throws IOException, InterruptedException {
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

    /** Waits (bounded) for the containers' last lines to be printed. */
    void drain() throws InterruptedException {
        List<Thread> logs;
        synchronized (pumps) {
            logs = List.copyOf(pumps);
        }
        for (Thread pump : logs) {
            pump.join(2000);
        }
    }
}
