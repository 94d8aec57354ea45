package dev.peregrine.cli.orchestrator;

import dev.peregrine.orchestrator.OrchestratorConfig;
import dev.peregrine.orchestrator.OrchestratorMain;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code peregrine orchestrator}: one per VPC, between the agents and the backend. */
@Command(
        name = "orchestrator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Serve agents over WebSocket (ws[s]://HOST:PORT/v1/agent): gate them on the policy bundle "
                        + "long-polled from the backend, push bundle updates, spool their events durably and "
                        + "forward them to the backend. /healthz, /readyz and /metrics on the metrics port.",
        })
public final class OrchestratorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "URL", defaultValue = "${env:PEREGRINE_BACKEND_URL}",
            description = "backend base URL (env PEREGRINE_BACKEND_URL)")
    String backend;

    @Option(names = "--access-key", paramLabel = "KEY", defaultValue = "${env:PEREGRINE_ACCESS_KEY}",
            showDefaultValue = Visibility.NEVER, description = "backend access key (env PEREGRINE_ACCESS_KEY); never logged")
    String accessKey;

    @Option(names = "--port", defaultValue = "6667", description = "agent WebSocket port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9090", description = "health and metrics port (default ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address both ports listen on (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--spool", paramLabel = "DIR", defaultValue = "${env:PEREGRINE_SPOOL_DIR:-./orchestrator-data}",
            description = "data directory: event spool, last good bundle, TLS material (env PEREGRINE_SPOOL_DIR, default ${DEFAULT-VALUE})")
    Path spool;

    @Option(names = "--spool-budget-mb", defaultValue = "1024",
            description = "disk the spool may use; beyond it events are refused and agents keep them until there is room (default ${DEFAULT-VALUE})")
    long spoolBudgetMb;

    @Option(names = "--agent-token", paramLabel = "TOKEN", defaultValue = "${env:PEREGRINE_AGENT_TOKEN}",
            showDefaultValue = Visibility.NEVER, description = "require agents to send this bearer token (env PEREGRINE_AGENT_TOKEN)")
    String agentToken;

    @Option(names = "--tls", description = "serve wss:// with a self-signed certificate made on first start (its fingerprint is logged)")
    boolean tls;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "${env:PEREGRINE_TLS_CERT}",
            description = "certificate chain for wss:// (env PEREGRINE_TLS_CERT)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "${env:PEREGRINE_TLS_KEY}",
            description = "PKCS#8 private key for wss:// (env PEREGRINE_TLS_KEY)")
    Path tlsKey;

    @Option(names = "--max-frame-kb", defaultValue = "4096", description = "largest agent frame accepted (default ${DEFAULT-VALUE})")
    int maxFrameKb;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("peregrine orchestrator: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        } catch (java.io.IOException e) {
            // unreadable TLS files, an unusable data directory: say which, no stack trace
            spec.commandLine().getErr().println("peregrine orchestrator: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    private int run() throws Exception {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("--backend URL (or PEREGRINE_BACKEND_URL) is required");
        }
        Optional<OrchestratorConfig.TlsConfig> tlsConfig = Optional.empty();
        if (tlsCert != null || tlsKey != null) {
            tlsConfig = Optional.of(new OrchestratorConfig.TlsConfig(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey)));
        } else if (tls) {
            tlsConfig = Optional.of(OrchestratorConfig.TlsConfig.selfSigned());
        }
        OrchestratorConfig config = OrchestratorConfig.of(URI.create(backend), accessKey, spool)
                .withPorts(bind, port, metricsPort)
                .withAgentToken(Optional.ofNullable(agentToken))
                .withTls(tlsConfig)
                .withLimits(OrchestratorConfig.Limits.DEFAULTS.withMaxFrameBytes(maxFrameKb * 1024))
                .withSpoolBudget(spoolBudgetMb << 20);
        OrchestratorMain.run(config);
        return 0;
    }
}
