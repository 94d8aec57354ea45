package dev.peregrine.orchestrator;

import dev.peregrine.orchestrator.agents.AgentEndpoint;
import dev.peregrine.orchestrator.backend.BackendClient;
import dev.peregrine.orchestrator.bundle.BundleCache;
import dev.peregrine.orchestrator.bundle.BundlePoller;
import dev.peregrine.orchestrator.spool.Forwarder;
import dev.peregrine.orchestrator.spool.Spool;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.OrchestratorHeartbeat;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One orchestrator: the agent WebSocket endpoint, the bundle cache and its long poll, the
 * durable spool and its forwarder, and the health/metrics server. {@link #start} returns once
 * both ports listen.
 *
 * <p>Data directory layout: {@code spool/} (segments and the forwarder cursor),
 * {@code bundle.json} (last good bundle), {@code orchestrator-id}, {@code tls/} (self-signed
 * certificate when TLS is on without files).
 */
public final class Orchestrator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
    public static final String AGENT_PATH = "/v1/agent";
    private static final Duration BACKEND_HEARTBEAT = Duration.ofSeconds(10);

    private final OrchestratorConfig config;
    private final String id;
    private final OrchestratorMetrics metrics = new OrchestratorMetrics();
    private final BundleCache bundles;
    private final Spool spool;
    private final Forwarder forwarder;
    private final BundlePoller poller;
    private final AgentEndpoint endpoint;
    private final Javalin agentServer;
    private final Javalin healthServer;
    private final Optional<AgentTls.Material> tls;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("backend-heartbeat").daemon().factory());
    private final BackendClient backend;

    private Orchestrator(OrchestratorConfig config) throws IOException {
        this.config = config;
        Path data = Files.createDirectories(config.dataDir());
        this.id = orchestratorId(data);
        // TLS first: bad certificate files fail the start before anything is opened
        this.tls = config.tls().isPresent() ? Optional.of(AgentTls.load(config.tls().get(), data.resolve("tls"))) : Optional.empty();
        this.backend = new BackendClient(config.backendUrl(), config.accessKey(), true);
        this.bundles = new BundleCache(data.resolve("bundle.json"));
        bundles.onInvalid(errors -> metrics.bundlesInvalid.increment());
        bundles.loadFromDisk();
        this.spool = new Spool(data.resolve("spool"), config.spoolBudgetBytes());
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        this.forwarder = new Forwarder(spool, backend::postEvents, backoff, Forwarder.DEFAULT_BATCH_BYTES, Forwarder.DEFAULT_IN_FLIGHT);
        this.endpoint = new AgentEndpoint(config.limits(), config.agentToken(), version(), bundles, spool, metrics);
        this.poller = new BundlePoller(backend, bundles, backoff, BackendClient.LONG_POLL_SECONDS);
        registerGauges();
        Javalin agents = null;
        try {
            agents = startAgentServer();
            this.healthServer = startHealthServer();
        } catch (RuntimeException e) {
            // a port in use: release what is open so that the process can exit or retry cleanly
            if (agents != null) {
                agents.stop();
            }
            endpoint.close();
            spool.close();
            throw e;
        }
        this.agentServer = agents;
        forwarder.start();
        poller.start();
        heartbeats.scheduleAtFixedRate(this::sendHeartbeat, 1, BACKEND_HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        LOG.info("orchestrator {} listening for agents on {}://{}:{}{}, health and metrics on :{}; backend {}",
                id, tls.isPresent() ? "wss" : "ws", config.agentHost(), agentPort(), AGENT_PATH, metricsPort(), config.backendUrl());
        tls.ifPresent(m -> LOG.info("agent port TLS certificate SHA-256 fingerprint: {}", m.fingerprint()));
    }

    public static Orchestrator start(OrchestratorConfig config) throws IOException {
        return new Orchestrator(config);
    }

    private Javalin startAgentServer() {
        OrchestratorConfig.Limits limits = config.limits();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = config.agentHost();
            cfg.jetty.port = config.agentPort();
            tls.ifPresent(m -> cfg.jetty.addConnector((server, http) -> m.connector(server, http, config.agentHost(), config.agentPort())));
            cfg.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setMaxTextMessageSize(limits.maxFrameBytes());
                factory.setMaxBinaryMessageSize(1024);
                // Jetty's own idle timeout backs up the heartbeat check for links that send nothing at all
                factory.setIdleTimeout(limits.deadAfter().plus(limits.heartbeatInterval()).plus(limits.helloTimeout()));
            });
            cfg.routes.ws(AGENT_PATH, endpoint::configure);
        });
        return app.start();
    }

    private Javalin startHealthServer() {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.agentHost();
            cfg.jetty.port = config.metricsPort();
            cfg.routes.get("/healthz", ctx -> ctx.result("ok\n"));
            cfg.routes.get("/readyz", ctx -> {
                Optional<Bundle> bundle = bundles.current();
                if (bundle.isPresent()) {
                    ctx.result("ready: bundle " + bundle.get().etag() + "\n");
                } else {
                    ctx.status(HttpStatus.SERVICE_UNAVAILABLE).result("not ready: no policy bundle yet\n");
                }
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        });
        return app.start();
    }

    private void registerGauges() {
        metrics.gauge("peregrine_orchestrator_agents_connected", "agents past hello", endpoint::connectedAgents);
        metrics.gauge("peregrine_orchestrator_spool_bytes", "bytes in spool segments not yet deleted (counts against the budget)", spool::bytesOnDisk);
        metrics.gauge("peregrine_orchestrator_spool_backlog_bytes", "spooled bytes the backend has not acknowledged yet", forwarder::backlogBytes);
        metrics.gauge("peregrine_orchestrator_spool_segments", "spool segment files", () -> spool.segmentIds().size());
        metrics.gauge("peregrine_orchestrator_forwarded_batches", "spool records shipped to the backend", forwarder::forwardedRecords);
        metrics.gauge("peregrine_orchestrator_forward_failures", "failed attempts to ship to the backend", forwarder::failures);
        metrics.gauge("peregrine_orchestrator_backend_reachable", "1 when the last attempt to ship events succeeded",
                () -> forwarder.backendReachable() ? 1 : 0);
        metrics.gauge("peregrine_orchestrator_bundle_held", "1 once a policy bundle is held", () -> bundles.current().isPresent() ? 1 : 0);
    }

    private void sendHeartbeat() {
        try {
            backend.heartbeat(new OrchestratorHeartbeat(id, version(), forwarder.backlogBytes(), endpoint.describeAgents()));
        } catch (Exception e) {
            LOG.debug("backend heartbeat failed: {}", e.toString());
        }
    }

    private static String orchestratorId(Path data) throws IOException {
        Path file = data.resolve("orchestrator-id");
        if (Files.exists(file)) {
            String existing = Files.readString(file).strip();
            if (!existing.isEmpty()) {
                return existing;
            }
        }
        String fresh = "orch-" + UUID.randomUUID();
        Files.writeString(file, fresh + "\n");
        return fresh;
    }

    public static String version() {
        String v = Orchestrator.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    public int agentPort() {
        return agentServer.port();
    }

    public int metricsPort() {
        return healthServer.port();
    }

    public String id() {
        return id;
    }

    public Optional<String> tlsFingerprint() {
        return tls.map(AgentTls.Material::fingerprint);
    }

    public Spool spool() {
        return spool;
    }

    public Forwarder forwarder() {
        return forwarder;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        poller.close();
        endpoint.close();
        agentServer.stop();
        healthServer.stop();
        forwarder.close();
        try {
            spool.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing spool: {}", e.toString());
        }
    }
}
