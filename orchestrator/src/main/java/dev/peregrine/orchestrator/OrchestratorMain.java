package dev.peregrine.orchestrator;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one orchestrator from environment variables, for process-level tests and benchmarks;
 * operators use {@code peregrine orchestrator}, which has the same settings as options.
 * Prints {@code READY agent=PORT metrics=PORT} on stdout once both ports listen.
 */
public final class OrchestratorMain {
    private OrchestratorMain() {
    }

    public static void main(String[] args) throws Exception {
        OrchestratorConfig config = OrchestratorConfig.of(URI.create(env("PEREGRINE_BACKEND_URL", null)),
                        env("PEREGRINE_ACCESS_KEY", null), Path.of(env("PEREGRINE_SPOOL_DIR", "./orchestrator-data")))
                .withPorts(env("PEREGRINE_BIND", "0.0.0.0"), Integer.parseInt(env("PEREGRINE_AGENT_PORT", "6667")),
                        Integer.parseInt(env("PEREGRINE_METRICS_PORT", "9090")))
                .withAgentToken(Optional.ofNullable(System.getenv("PEREGRINE_AGENT_TOKEN")));
        run(config);
    }

    /** Runs until the JVM is told to stop; closes cleanly on SIGTERM. */
    public static void run(OrchestratorConfig config) throws Exception {
        Orchestrator orchestrator = Orchestrator.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            orchestrator.close();
            stopped.countDown();
        }));
        System.out.println("READY agent=" + orchestrator.agentPort() + " metrics=" + orchestrator.metricsPort());
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return fallback;
        }
        return value;
    }
}
