package dev.peregrine.orchestrator.agents;

import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.ConnectedAgent;
import dev.peregrine.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** One agent's WebSocket: its state in the handshake, liveness and back-pressure counters. */
final class AgentConnection {
    enum State { AWAITING_HELLO, WELCOMED, CLOSING }

    final String id;
    final Session session;
    final Instant connectedAt = Instant.now();
    final long connectedNanos = System.nanoTime();
    final boolean tokenOk;
    final AtomicInteger unackedBatches = new AtomicInteger();
    private final AtomicInteger queuedSends = new AtomicInteger();
    private final int maxQueuedSends;
    volatile long lastReceivedNanos = System.nanoTime();
    private State state = State.AWAITING_HELLO;
    private Message.Hello hello;
    private Bundle sentBundle;

    AgentConnection(String id, Session session, boolean tokenOk, int maxQueuedSends) {
        this.id = id;
        this.session = session;
        this.tokenOk = tokenOk;
        this.maxQueuedSends = maxQueuedSends;
    }

    synchronized State state() {
        return state;
    }

    /**
     * Moves to WELCOMED and sends the bundle, atomically with respect to {@link #pushBundle}.
     *
     * @param welcomeFrame the encoded {@code welcome} carrying {@code bundle}
     */
    synchronized void welcome(Message.Hello hello, Bundle bundle, String welcomeFrame) {
        this.hello = hello;
        this.state = State.WELCOMED;
        this.sentBundle = bundle;
        send(welcomeFrame);
    }

    /** Sends a bundle update unless this agent already has this bundle. */
    synchronized void pushBundle(Bundle bundle, String frame) {
        if (state == State.WELCOMED && !bundle.equals(sentBundle)) {
            sentBundle = bundle;
            send(frame);
        }
    }

    /**
     * Queues a frame. An agent that does not read (frames pile up) is closed: its queue would
     * otherwise grow without bound in the orchestrator's memory.
     */
    boolean send(String frame) {
        if (!session.isOpen()) {
            return false;
        }
        if (queuedSends.incrementAndGet() > maxQueuedSends) {
            queuedSends.decrementAndGet();
            close(1008, "agent is not reading: " + maxQueuedSends + " frames queued");
            return false;
        }
        session.sendText(frame, Callback.from(queuedSends::decrementAndGet, t -> queuedSends.decrementAndGet()));
        return true;
    }

    void close(int code, String reason) {
        synchronized (this) {
            state = State.CLOSING;
        }
        session.close(code, truncateReason(reason), Callback.NOOP);
    }

    /** A close reason may be at most 123 bytes of UTF-8. */
    static String truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > 120) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }

    synchronized ConnectedAgent describe() {
        String agentId = hello == null ? id : hello.metadata().getOrDefault("agent_id", hello.metadata().getOrDefault("task_arn", id));
        return new ConnectedAgent(agentId, hello == null ? null : hello.agentVersion(),
                hello == null ? 0 : hello.protocol(), hello == null ? java.util.Map.of() : hello.metadata(), connectedAt.toString());
    }
}
