package dev.peregrine.orchestrator.agents;

import dev.peregrine.orchestrator.OrchestratorConfig;
import dev.peregrine.orchestrator.OrchestratorMetrics;
import dev.peregrine.orchestrator.bundle.BundleCache;
import dev.peregrine.orchestrator.spool.Spool;
import dev.peregrine.protocol.AlertScanner;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.ConnectedAgent;
import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.ProtocolVersion;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent side of the orchestrator (ARCHITECTURE §5): {@code hello} → {@code welcome} or
 * {@code reject}; {@code events} → {@code ack} once spooled; {@code bundle} pushed on change;
 * {@code heartbeat} both ways. Any frame that breaks the protocol closes that one connection
 * with a reason; nothing an agent sends can stop the endpoint.
 */
public final class AgentEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentEndpoint.class);
    /** Close codes (RFC 6455). */
    static final int NORMAL = 1000, GOING_AWAY = 1001, UNSUPPORTED = 1003, POLICY = 1008, TOO_BIG = 1009, SERVER_ERROR = 1011, TRY_LATER = 1013;
    /** How long a refused agent should wait before it tries again while no bundle is held. */
    public static final int NO_BUNDLE_RETRY_S = 5;
    /** How long an agent whose events the full spool refused should wait before it reconnects and resends. */
    public static final int SPOOL_FULL_RETRY_S = 10;

    private final OrchestratorConfig.Limits limits;
    private final Optional<byte[]> agentTokenDigest;
    private final String orchestratorVersion;
    private final BundleCache bundles;
    private final Spool spool;
    private final OrchestratorMetrics metrics;
    private final Map<String, AgentConnection> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agent-heartbeats").daemon().factory());
    private final String heartbeatFrame = MessageCodec.encode(new Message.Heartbeat());
    /** The {@code welcome} of the current bundle, encoded once: a bundle is large and 1,000 agents may reconnect at once. */
    private volatile EncodedWelcome welcome;

    private record EncodedWelcome(Bundle bundle, String frame) {
    }
    private long lastTickNanos;

    public AgentEndpoint(OrchestratorConfig.Limits limits, Optional<String> agentToken, String orchestratorVersion,
                         BundleCache bundles, Spool spool, OrchestratorMetrics metrics) {
        this.limits = limits;
        this.agentTokenDigest = agentToken.map(AgentEndpoint::digest);
        this.orchestratorVersion = orchestratorVersion;
        this.bundles = bundles;
        this.spool = spool;
        this.metrics = metrics;
        bundles.onChange(this::fanOut);
        long period = limits.heartbeatInterval().toMillis();
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** Installs the handlers on a Javalin WebSocket route. */
    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> onConnect(ctx));
        ws.onMessage(ctx -> onText(ctx, ctx.message()));
        ws.onBinaryMessage(ctx -> {
            AgentConnection c = connections.get(ctx.sessionId());
            if (c != null) {
                misbehaved(c, UNSUPPORTED, "binary frames are not part of the protocol; send JSON text frames");
            }
        });
        ws.onClose(ctx -> {
            AgentConnection c = connections.remove(ctx.sessionId());
            if (c != null && ctx.status() == TOO_BIG) {
                // Jetty enforces the frame size limit itself and closes with 1009 and a reason
                metrics.connectionsClosedForMisbehaviour.increment();
                LOG.info("closed agent {}: {}", c.id, ctx.reason());
            } else if (c != null) {
                LOG.debug("agent {} disconnected: {} {}", c.id, ctx.status(), ctx.reason());
            }
        });
        ws.onError(ctx -> {
            AgentConnection c = connections.get(ctx.sessionId());
            Throwable error = ctx.error();
            if (c != null && error != null) {
                LOG.info("agent {} connection error: {}", c.id, error.getMessage() == null ? error.toString() : error.getMessage());
            }
        });
    }

    private void onConnect(WsContext ctx) {
        boolean tokenOk = agentTokenDigest.isEmpty() || agentTokenDigest.map(expected -> {
            String header = ctx.header("Authorization");
            return header != null && header.startsWith("Bearer ")
                    && MessageDigest.isEqual(expected, digest(header.substring("Bearer ".length()).strip()));
        }).orElse(true);
        AgentConnection c = new AgentConnection(ctx.sessionId(), ctx.session, tokenOk, limits.maxQueuedSends());
        if (connections.size() >= limits.maxConnections()) {
            LOG.warn("refusing agent {}: connection limit {} reached", ctx.sessionId(), limits.maxConnections());
            c.close(TRY_LATER, "connection limit of " + limits.maxConnections() + " agents reached; try again later");
            return;
        }
        connections.put(ctx.sessionId(), c);
    }

    private void onText(WsContext ctx, String frame) {
        AgentConnection c = connections.get(ctx.sessionId());
        if (c == null || c.state() == AgentConnection.State.CLOSING) {
            return;
        }
        c.lastReceivedNanos = System.nanoTime();
        // Nearly every frame is an events batch: checked in one pass and spooled as the agent's
        // own bytes, without building records (the codec's way costs about twice the CPU)
        byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);
        Message message;
        try {
            Optional<AlertScanner.EventsFrame> events = AlertScanner.readEventsFrame(utf8);
            if (events.isPresent()) {
                AlertScanner.EventsFrame e = events.get();
                onEvents(c, e.seq(), e.alerts().size(), () -> Arrays.copyOfRange(utf8, e.alertsStart(), e.alertsEnd()));
                return;
            }
            message = MessageCodec.decode(frame);
        } catch (ProtocolException e) {
            String where = e.field() == null || e.field().isEmpty() ? "" : " at '" + e.field() + "'";
            misbehaved(c, POLICY, "bad frame" + where + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.error("agent {}: failed handling an 'events' frame", c.id, e);
            c.close(SERVER_ERROR, "internal error: " + e);
            return;
        }
        try {
            switch (message) {
                case Message.Hello hello -> onHello(c, hello);
                // an events frame that names its type after other fields: decoded by the codec
                case Message.Events events -> onEvents(c, events.seq(), events.alerts().size(),
                        () -> RawAlerts.of(frame).map(text -> text.getBytes(StandardCharsets.UTF_8))
                                .orElseGet(() -> ProtocolJson.writeBytes(events.alerts())));
                case Message.Heartbeat ignored -> {
                }
                case Message.Welcome m -> misbehaved(c, POLICY, "unexpected 'welcome' from an agent");
                case Message.Reject m -> misbehaved(c, POLICY, "unexpected 'reject' from an agent");
                case Message.BundleUpdate m -> misbehaved(c, POLICY, "unexpected 'bundle' from an agent");
                case Message.Ack m -> misbehaved(c, POLICY, "unexpected 'ack' from an agent");
            }
        } catch (RuntimeException e) {
            LOG.error("agent {}: failed handling a '{}' frame", c.id, message.getClass().getSimpleName(), e);
            c.close(SERVER_ERROR, "internal error: " + e);
        }
    }

    private void onHello(AgentConnection c, Message.Hello hello) {
        if (c.state() != AgentConnection.State.AWAITING_HELLO) {
            misbehaved(c, POLICY, "second 'hello' on one connection");
            return;
        }
        if (!c.tokenOk) {
            reject(c, "invalid or missing agent token (Authorization: Bearer)", 30);
            return;
        }
        ProtocolVersion ours = ProtocolVersion.CURRENT;
        if (!ours.isCompatibleWith(new ProtocolVersion(hello.protocol(), 0))) {
            reject(c, "incompatible protocol: agent speaks " + hello.protocol() + ", this orchestrator speaks "
                    + ours + " (the major versions must match)", 0);
            return;
        }
        Optional<Bundle> bundle = bundles.current();
        if (bundle.isEmpty()) {
            reject(c, "no policy bundle yet: the orchestrator has not reached the backend", NO_BUNDLE_RETRY_S);
            return;
        }
        c.welcome(hello, bundle.get(), welcomeFrame(bundle.get()));
        LOG.debug("agent {} welcomed (version {}, bundle {})", c.id, hello.agentVersion(), bundle.get().etag());
    }

    private String welcomeFrame(Bundle bundle) {
        EncodedWelcome w = welcome;
        // identity first: the cache holds one bundle object; equals covers an equal copy
        if (w == null || (w.bundle() != bundle && !w.bundle().equals(bundle))) {
            w = new EncodedWelcome(bundle, MessageCodec.encode(new Message.Welcome(orchestratorVersion, bundle)));
            welcome = w;
        }
        return w.frame();
    }

    private void reject(AgentConnection c, String reason, int retryAfterSeconds) {
        metrics.connectionsRejected.increment();
        c.send(MessageCodec.encode(new Message.Reject(reason, retryAfterSeconds)));
        c.close(NORMAL, "rejected: " + reason);
    }

    /** @param alerts the batch's {@code alerts} array as JSON, made only once the batch is accepted */
    private void onEvents(AgentConnection c, long seq, int count, Supplier<byte[]> alerts) {
        AgentConnection.State state = c.state();
        if (state == AgentConnection.State.CLOSING) {
            return; // refused or closed meanwhile: the agent resends it on its next connection
        }
        if (state != AgentConnection.State.WELCOMED) {
            misbehaved(c, POLICY, "'events' before 'welcome': send 'hello' first");
            return;
        }
        if (c.unackedBatches.incrementAndGet() > limits.maxUnackedBatches()) {
            misbehaved(c, POLICY, "flood: more than " + limits.maxUnackedBatches() + " events batches waiting for acknowledgement");
            return;
        }
        metrics.eventsReceived.increment(count);
        metrics.batchSize.record(count);
        String ack = MessageCodec.encode(new Message.Ack(seq));
        byte[] payload = alerts.get();
        // Completions run on the spool's writer thread in append order, so once one batch of this
        // connection is refused or failed, no later batch of it is acknowledged (acks are cumulative).
        spool.append(payload).whenComplete((result, error) -> {
            c.unackedBatches.decrementAndGet();
            if (c.state() == AgentConnection.State.CLOSING) {
                // not acknowledged: the agent resends it on its next connection; the backend keeps one copy per id
                if (result == Spool.Result.SPOOLED) {
                    metrics.eventsSpooled.increment(count);
                }
                return;
            }
            if (error != null) {
                c.close(SERVER_ERROR, "spool write failed; resend from seq " + seq);
                return;
            }
            if (result == Spool.Result.REFUSED_OVER_BUDGET) {
                metrics.eventsRefused.increment(count);
                refuseOverBudget(c, seq);
                return;
            }
            metrics.eventsSpooled.increment(count);
            c.send(ack);
        });
    }

    /**
     * The spool is at its disk budget (the backend has been unreachable for long): the batch is
     * not acknowledged, so the agent keeps it in its outbox. {@code reject} tells the agent how
     * long to wait; it reconnects after that and resends everything unacknowledged.
     */
    private void refuseOverBudget(AgentConnection c, long seq) {
        String reason = "spool full: events from seq " + seq + " not accepted; keep them and retry in " + SPOOL_FULL_RETRY_S + " s";
        LOG.debug("agent {}: {}", c.id, reason);
        c.send(MessageCodec.encode(new Message.Reject(reason, SPOOL_FULL_RETRY_S)));
        c.close(TRY_LATER, reason);
    }

    private void misbehaved(AgentConnection c, int code, String reason) {
        metrics.connectionsClosedForMisbehaviour.increment();
        LOG.info("closing agent {}: {}", c.id, reason);
        c.close(code, reason);
    }

    private void fanOut(Bundle bundle) {
        metrics.bundlesAccepted.increment();
        String frame = MessageCodec.encode(new Message.BundleUpdate(bundle));
        int pushed = 0;
        for (AgentConnection c : connections.values()) {
            if (c.state() == AgentConnection.State.WELCOMED) {
                c.pushBundle(bundle, frame);
                pushed++;
            }
        }
        LOG.info("bundle {} pushed to {} agent(s)", bundle.etag(), pushed);
    }

    /** Every heartbeat interval: send ours, close links silent for too long and connections that never said hello. */
    private void tick() {
        try {
            long now = System.nanoTime();
            long intervalNanos = limits.heartbeatInterval().toNanos();
            if (lastTickNanos != 0 && now - lastTickNanos > intervalNanos * 3 / 2) {
                // this process stalled (GC pause, starved CPU): the silence we see may be our own, so
                // every link gets the time back before anyone is declared dead
                long stalled = now - lastTickNanos - intervalNanos;
                for (AgentConnection c : connections.values()) {
                    c.lastReceivedNanos += stalled;
                }
                LOG.warn("heartbeat tick {} ms late: the orchestrator is short of CPU; not counting it against agents",
                        stalled / 1_000_000);
            }
            lastTickNanos = now;
            long deadNanos = limits.deadAfter().toNanos();
            long helloNanos = limits.helloTimeout().toNanos();
            for (AgentConnection c : connections.values()) {
                switch (c.state()) {
                    case AWAITING_HELLO -> {
                        if (now - c.connectedNanos > helloNanos) {
                            misbehaved(c, POLICY, "no 'hello' within " + limits.helloTimeout().toSeconds() + " s");
                        }
                    }
                    case WELCOMED -> {
                        if (now - c.lastReceivedNanos > deadNanos) {
                            misbehaved(c, GOING_AWAY, limits.missedHeartbeats() + " heartbeats missed: link considered dead");
                        } else {
                            c.send(heartbeatFrame);
                        }
                    }
                    case CLOSING -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("heartbeat tick failed", e);
        }
    }

    public int connectedAgents() {
        return (int) connections.values().stream().filter(c -> c.state() == AgentConnection.State.WELCOMED).count();
    }

    public List<ConnectedAgent> describeAgents() {
        return connections.values().stream().filter(c -> c.state() == AgentConnection.State.WELCOMED)
                .map(AgentConnection::describe).toList();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (AgentConnection c : connections.values()) {
            c.close(GOING_AWAY, "orchestrator shutting down");
        }
    }
}
