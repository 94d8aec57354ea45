package dev.peregrine.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The distribution under test, {@code cli/target/peregrine.jar}, started as real processes. */
final class Distribution {
    static final Path JAR = Path.of(System.getProperty("peregrine.jar", "../cli/target/peregrine.jar")).toAbsolutePath().normalize();

    /** Every process a test started, so that a failing test leaves none behind ({@link #stopAll()}). */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Distribution() {
    }

    /** SIGKILL to whatever is still running; a killed agent takes its workload with it (PTRACE_O_EXITKILL). */
    static void stopAll() {
        for (Process p : STARTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // up's demo agent
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        STARTED.clear();
    }

    /** One {@code java -jar peregrine.jar ARGS} process; stdout and stderr go to files of {@code dir}. */
    record Proc(Process process, Path stdout, Path stderr) {
        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }

        /** Waits for the first stdout line that the pattern finds; fails with both outputs after the timeout. */
        Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                for (String line : out().lines().toList()) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no line matching " + pattern + " (alive=" + process.isAlive() + ")\nstdout:\n" + out()
                    + "\nstderr:\n" + err());
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + timeout + "\nstdout:\n" + out() + "\nstderr:\n" + err());
            }
            return process.exitValue();
        }

        /** SIGKILL, as a crash: no shutdown hook runs. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void stop() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        private static String read(Path p) {
            try {
                return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        }
    }

    static Proc start(Path dir, String name, Map<String, String> env, String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build the distribution first (./mvnw -pl cli -am package)");
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PEREGRINE_") || k.equals("ECS_CONTAINER_METADATA_URI_V4"));
        pb.environment().putAll(env);
        Process p = pb.start();
        STARTED.add(p);
        p.getOutputStream().close();
        return new Proc(p, out, err);
    }

    /** {@code peregrine orchestrator} on 127.0.0.1; waits for its {@code READY agent=P metrics=P} line. */
    record Orchestrator(Proc proc, int agentPort, int metricsPort) {
        static Orchestrator start(Path dir, String name, String backendUrl, String accessKey, Path spool, int agentPort)
                throws IOException, InterruptedException {
            Proc p = Distribution.start(dir, name, Map.of("PEREGRINE_ACCESS_KEY", accessKey),
                    "orchestrator", "--backend", backendUrl, "--bind", "127.0.0.1", "--port", String.valueOf(agentPort),
                    "--metrics-port", "0", "--spool", spool.toString());
            Matcher m = p.awaitLine(Pattern.compile("READY agent=(\\d+) metrics=(\\d+)"), Duration.ofSeconds(60));
            return new Orchestrator(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }

        String endpoint() {
            return "127.0.0.1:" + agentPort;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(String what, Duration timeout, Check check) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> failure = check.failure();
            if (failure.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " not within " + timeout + ": " + failure.get());
            }
            Thread.sleep(200);
        }
    }

    /** Empty when the awaited condition holds, else what is still wrong. */
    @FunctionalInterface
    interface Check {
        Optional<String> failure() throws Exception;
    }

    static <T> Optional<String> unless(T value, Predicate<T> ok, String message) {
        return ok.test(value) ? Optional.empty() : Optional.of(message + ": " + value);
    }
}
