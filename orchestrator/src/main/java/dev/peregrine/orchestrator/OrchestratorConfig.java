package dev.peregrine.orchestrator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one orchestrator process needs. {@link #toString()} never shows the access key or
 * the agent token: configs end up in logs.
 *
 * @param backendUrl        base URL of the backend, e.g. {@code https://backend.internal:8080}
 * @param accessKey         sent as {@code Authorization: Bearer} to the backend
 * @param agentHost         interface the agent and metrics ports bind to
 * @param agentPort         WebSocket port for agents (0 = any free port)
 * @param metricsPort       {@code /healthz}, {@code /readyz}, {@code /metrics} (0 = any free port)
 * @param dataDir           spool segments, the last good bundle and the orchestrator id live here
 * @param agentToken        when present, agents must send it as {@code Authorization: Bearer}
 * @param tls               when present, the agent port speaks TLS ({@code wss://})
 * @param limits            frame, connection and timing limits of the agent endpoint
 * @param spoolBudgetBytes  disk the spool may use; beyond it batches are refused (agents keep and resend them)
 */
public record OrchestratorConfig(
        URI backendUrl,
        String accessKey,
        String agentHost,
        int agentPort,
        int metricsPort,
        Path dataDir,
        Optional<String> agentToken,
        Optional<TlsConfig> tls,
        Limits limits,
        long spoolBudgetBytes) {

    public static final int DEFAULT_AGENT_PORT = 6667;
    public static final int DEFAULT_METRICS_PORT = 9090;
    public static final long DEFAULT_SPOOL_BUDGET_BYTES = 1L << 30;

    public OrchestratorConfig {
        Objects.requireNonNull(backendUrl, "backendUrl");
        if (backendUrl.getScheme() == null || !backendUrl.getScheme().matches("https?")) {
            throw new IllegalArgumentException("backend URL must start with http:// or https://, got '" + backendUrl + "'");
        }
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("an access key is required (--access-key or PEREGRINE_ACCESS_KEY)");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        agentToken = agentToken.filter(t -> !t.isBlank());
        if (spoolBudgetBytes <= 0) {
            throw new IllegalArgumentException("spool budget must be > 0 bytes, got " + spoolBudgetBytes);
        }
    }

    public static OrchestratorConfig of(URI backendUrl, String accessKey, Path dataDir) {
        return new OrchestratorConfig(backendUrl, accessKey, "0.0.0.0", DEFAULT_AGENT_PORT, DEFAULT_METRICS_PORT,
                dataDir, Optional.empty(), Optional.empty(), Limits.DEFAULTS, DEFAULT_SPOOL_BUDGET_BYTES);
    }

    public OrchestratorConfig withPorts(String host, int agentPort, int metricsPort) {
        return new OrchestratorConfig(backendUrl, accessKey, host, agentPort, metricsPort, dataDir, agentToken, tls, limits, spoolBudgetBytes);
    }

    public OrchestratorConfig withAgentToken(Optional<String> token) {
        return new OrchestratorConfig(backendUrl, accessKey, agentHost, agentPort, metricsPort, dataDir, token, tls, limits, spoolBudgetBytes);
    }

    public OrchestratorConfig withTls(Optional<TlsConfig> tlsConfig) {
        return new OrchestratorConfig(backendUrl, accessKey, agentHost, agentPort, metricsPort, dataDir, agentToken, tlsConfig, limits, spoolBudgetBytes);
    }

    public OrchestratorConfig withLimits(Limits newLimits) {
        return new OrchestratorConfig(backendUrl, accessKey, agentHost, agentPort, metricsPort, dataDir, agentToken, tls, newLimits, spoolBudgetBytes);
    }

    public OrchestratorConfig withSpoolBudget(long bytes) {
        return new OrchestratorConfig(backendUrl, accessKey, agentHost, agentPort, metricsPort, dataDir, agentToken, tls, limits, bytes);
    }

    @Override
    public String toString() {
        return "OrchestratorConfig[backend=" + backendUrl + ", accessKey=<redacted>, agents=" + agentHost + ":" + agentPort
                + (tls.isPresent() ? " (tls)" : "") + ", metrics=" + metricsPort + ", dataDir=" + dataDir
                + ", agentToken=" + (agentToken.isPresent() ? "<set>" : "<none>") + ", " + limits
                + ", spoolBudgetBytes=" + spoolBudgetBytes + "]";
    }

    /**
     * Limits that keep one misbehaving agent from hurting the others.
     *
     * @param maxFrameBytes      largest text frame accepted; larger frames close that connection (1009)
     * @param maxConnections     agents beyond this are refused with 1013 (try again later)
     * @param helloTimeout       a connection that has not said hello by then is closed (slowloris)
     * @param heartbeatInterval  how often both sides send {@code heartbeat}
     * @param missedHeartbeats   silence for this many intervals means a dead link
     * @param maxUnackedBatches  events batches of one agent waiting for the spool; more closes the connection
     * @param maxQueuedSends     frames queued to a slow reader; more closes the connection
     */
    public record Limits(
            int maxFrameBytes,
            int maxConnections,
            Duration helloTimeout,
            Duration heartbeatInterval,
            int missedHeartbeats,
            int maxUnackedBatches,
            int maxQueuedSends) {
        public static final Limits DEFAULTS = new Limits(4 << 20, 10_000, Duration.ofSeconds(10),
                Duration.ofSeconds(2), 3, 1024, 256);

        public Limits {
            if (maxFrameBytes < 1024) {
                throw new IllegalArgumentException("max frame size must be >= 1024 bytes, got " + maxFrameBytes);
            }
            if (maxConnections < 1 || missedHeartbeats < 1 || maxUnackedBatches < 1 || maxQueuedSends < 1) {
                throw new IllegalArgumentException("connection, heartbeat and queue limits must be >= 1");
            }
        }

        /** Silence longer than this closes the connection. */
        public Duration deadAfter() {
            return heartbeatInterval.multipliedBy(missedHeartbeats);
        }

        public Limits withMaxFrameBytes(int bytes) {
            return new Limits(bytes, maxConnections, helloTimeout, heartbeatInterval, missedHeartbeats, maxUnackedBatches, maxQueuedSends);
        }

        public Limits withMaxUnackedBatches(int batches) {
            return new Limits(maxFrameBytes, maxConnections, helloTimeout, heartbeatInterval, missedHeartbeats, batches, maxQueuedSends);
        }

        public Limits withMaxConnections(int connections) {
            return new Limits(maxFrameBytes, connections, helloTimeout, heartbeatInterval, missedHeartbeats, maxUnackedBatches, maxQueuedSends);
        }

        public Limits withHeartbeat(Duration interval, Duration hello) {
            return new Limits(maxFrameBytes, maxConnections, hello, interval, missedHeartbeats, maxUnackedBatches, maxQueuedSends);
        }
    }

    /** TLS for the agent port: PEM files, or a self-signed certificate generated into {@code dataDir} on first start. */
    public record TlsConfig(Optional<Path> certificatePem, Optional<Path> privateKeyPem) {
        public TlsConfig {
            if (certificatePem.isPresent() != privateKeyPem.isPresent()) {
                throw new IllegalArgumentException("TLS needs both a certificate and a key file, or neither (self-signed)");
            }
        }

        public static TlsConfig selfSigned() {
            return new TlsConfig(Optional.empty(), Optional.empty());
        }
    }
}
