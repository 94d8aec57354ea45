package dev.peregrine.bench.orchestrator;

import dev.peregrine.orchestrator.OrchestratorMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The orchestrator in its own JVM: its ports, its CPU time, and its metrics. */
final class OrchestratorUnderLoad implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final Process process;
    final int agentPort;
    final int metricsPort;

    private OrchestratorUnderLoad(Process process, int agentPort, int metricsPort) {
        this.process = process;
        this.agentPort = agentPort;
        this.metricsPort = metricsPort;
    }

    static OrchestratorUnderLoad start(URI backend, String accessKey, Path dataDir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        // e.g. -Dbench.orchestrator.jvm="-XX:StartFlightRecording=filename=/tmp/o.jfr" to profile it
        String extra = System.getProperty("bench.orchestrator.jvm", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrchestratorMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PEREGRINE_BACKEND_URL", backend.toString());
        pb.environment().put("PEREGRINE_ACCESS_KEY", accessKey);
        pb.environment().put("PEREGRINE_SPOOL_DIR", dataDir.toString());
        pb.environment().put("PEREGRINE_BIND", "127.0.0.1");
        pb.environment().put("PEREGRINE_AGENT_PORT", "0");
        pb.environment().put("PEREGRINE_METRICS_PORT", "0");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
                ready.completeExceptionally(new IOException("orchestrator exited before READY"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        String[] parts = ready.get(120, TimeUnit.SECONDS).split("[ =]");
        return new OrchestratorUnderLoad(p, Integer.parseInt(parts[2]), Integer.parseInt(parts[4]));
    }

    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** One value from {@code /metrics}; 0 when absent. */
    double metric(String name) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    void awaitReady() throws Exception {
        URI readyz = URI.create("http://127.0.0.1:" + metricsPort + "/readyz");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (HTTP.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("orchestrator did not get a bundle from the backend");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
