package dev.peregrine.orchestrator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An orchestrator in its own JVM, started from the test class path, that a test can kill -9. */
final class OrchestratorProcess implements AutoCloseable {
    final Process process;
    final int agentPort;
    final int metricsPort;

    private OrchestratorProcess(Process process, int agentPort, int metricsPort) {
        this.process = process;
        this.agentPort = agentPort;
        this.metricsPort = metricsPort;
    }

    static OrchestratorProcess start(URI backend, String accessKey, Path dataDir, Path log) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-Xshare:auto",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), OrchestratorMain.class.getName());
        pb.environment().put("PEREGRINE_BACKEND_URL", backend.toString());
        pb.environment().put("PEREGRINE_ACCESS_KEY", accessKey);
        pb.environment().put("PEREGRINE_SPOOL_DIR", dataDir.toString());
        pb.environment().put("PEREGRINE_BIND", "127.0.0.1");
        pb.environment().put("PEREGRINE_AGENT_PORT", "0");
        pb.environment().put("PEREGRINE_METRICS_PORT", "0");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
                ready.completeExceptionally(new IOException("orchestrator exited before READY; see " + log));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        String line = ready.get(60, TimeUnit.SECONDS);
        String[] parts = line.split("[ =]");
        return new OrchestratorProcess(p, Integer.parseInt(parts[2]), Integer.parseInt(parts[4]));
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill9();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
