package dev.peregrine.agent.connect;

import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import dev.peregrine.protocol.ProtocolException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent's side of the orchestrator link (ARCHITECTURE §5): connects, says {@code hello},
 * takes the bundle from {@code welcome} and every {@code bundle} update, sends the outbox as
 * {@code events} batches numbered per connection, drops what is acknowledged, and exchanges
 * heartbeats every 2 s. A link silent for 3 heartbeats, a close, or an error ends the
 * connection: unacknowledged batches are put back and resent after a reconnect with
 * exponential backoff (200 ms to 10 s, full jitter; a {@code reject} says how long to wait).
 */
public final class OrchestratorClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OrchestratorClient.class.getName());
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final int BATCH = 200;
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 10_000;

    private final URI uri;
    private final String token;
    private final HttpClient http;
    private final Message.Hello hello;
    private final Outbox outbox;
    private final Consumer<Bundle> onBundle;
    private final Consumer<String> onReject;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;

    public OrchestratorClient(URI uri, String token, HttpClient http, Message.Hello hello, Outbox outbox,
                              Consumer<Bundle> onBundle, Consumer<String> onReject) {
        this.uri = uri;
        this.token = token;
        this.http = http;
        this.hello = hello;
        this.outbox = outbox;
        this.onBundle = onBundle;
        this.onReject = onReject;
        this.thread = Thread.ofPlatform().name("peregrine-orchestrator-link").daemon(true).unstarted(this::run);
    }

    public OrchestratorClient start() {
        thread.start();
        return this;
    }

    /** Whether a welcomed connection is up now. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        while (!closed) {
            long waitMs;
            Session s = new Session();
            try {
                s.open();
                long r = s.serve();
                if (s.welcomed) {
                    backoff = MIN_BACKOFF_MS;
                }
                waitMs = r >= 0 ? r : ThreadLocalRandom.current().nextLong(backoff + 1);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "orchestrator {0}: {1}", uri, rootMessage(e));
                waitMs = ThreadLocalRandom.current().nextLong(backoff + 1);
            } finally {
                connected = false;
                s.abort();
                outbox.requeueUnacknowledged();
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            try {
                Thread.sleep(Math.max(50, waitMs));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Why a connection failed, in words: the JDK's WebSocket client wraps a refused connection as a
     * message-less ConnectException around a ClosedChannelException.
     */
    static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException) {
                return "the host name does not resolve";
            }
            if (c instanceof java.net.ConnectException) {
                return "cannot connect (refused or unreachable: is the orchestrator running and the address right?)"
                        + (c.getMessage() == null ? "" : ": " + c.getMessage());
            }
        }
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** One connection. */
    private final class Session implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private final CompletableFuture<Long> ended = new CompletableFuture<>();
        private volatile long lastHeard = System.nanoTime();
        private volatile boolean welcomed;
        private final java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong(-1);
        private WebSocket ws;

        void open() {
            WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            ws = b.buildAsync(uri, this).orTimeout(6, TimeUnit.SECONDS).join();
            LOG.log(System.Logger.Level.INFO, "link to orchestrator {0} open; saying hello", uri);
            sendText(MessageCodec.encode(hello));
        }

        private synchronized void sendText(String frame) {
            ws.sendText(frame, true).orTimeout(6, TimeUnit.SECONDS).join();
        }

        /** Runs the connection; returns a wait requested by the orchestrator (ms), or -1 for backoff. */
        long serve() throws InterruptedException {
            long seq = 0;
            long nextHeartbeat = System.nanoTime();
            while (!closed) {
                if (ended.isDone()) {
                    return ended.join();
                }
                long now = System.nanoTime();
                if (now - lastHeard > HEARTBEAT.toNanos() * 3) {
                    LOG.log(System.Logger.Level.WARNING, "orchestrator {0} silent for 3 heartbeats; reconnecting", uri);
                    return -1;
                }
                if (now >= nextHeartbeat) {
                    sendText(MessageCodec.encode(new Message.Heartbeat()));
                    nextHeartbeat = now + HEARTBEAT.toNanos();
                }
                if (!welcomed) {
                    Thread.sleep(20);
                    continue;
                }
                Outbox.Batch b = outbox.nextBatch(seq + 1, BATCH, Duration.ofMillis(100));
                if (b != null) {
                    seq = b.seq();
                    sendText(MessageCodec.encode(new Message.Events(b.seq(), b.alerts())));
                }
            }
            return -1;
        }

        void abort() {
            if (ws != null) {
                ws.abort();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastHeard = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                handle(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(String frame) {
            Message m;
            try {
                m = MessageCodec.decode(frame);
            } catch (ProtocolException e) {
                LOG.log(System.Logger.Level.WARNING, "orchestrator sent a bad frame: {0}", e.getMessage());
                return;
            }
            switch (m) {
                case Message.Welcome w -> {
                    LOG.log(System.Logger.Level.INFO, "connected to orchestrator {0} ({1}), bundle {2}", uri,
                            w.orchestratorVersion(), w.bundle().etag());
                    deliver(w.bundle());
                    welcomed = true;
                    connected = true;
                }
                case Message.BundleUpdate u -> deliver(u.bundle());
                case Message.Ack a -> {
                    acked.set(a.seq());
                    outbox.acknowledge(a.seq());
                }
                case Message.Reject r -> {
                    LOG.log(System.Logger.Level.WARNING, "orchestrator {0} rejected the agent: {1} (retry in {2} s)",
                            uri, r.reason(), Integer.toString(r.retryAfterSeconds()));
                    onReject.accept(r.reason());
                    ended.complete(r.retryAfterSeconds() > 0 ? r.retryAfterSeconds() * 1000L : MAX_BACKOFF_MS);
                }
                case Message.Heartbeat h -> {
                }
                default -> LOG.log(System.Logger.Level.WARNING, "unexpected {0} from the orchestrator", m.getClass().getSimpleName());
            }
        }

        private void deliver(Bundle bundle) {
            try {
                onBundle.accept(bundle);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "bundle " + bundle.etag() + " could not be installed", e);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            LOG.log(System.Logger.Level.INFO, "orchestrator {0} closed the link: {1} {2}", uri, Integer.toString(statusCode), reason);
            ended.complete(-1L);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            LOG.log(System.Logger.Level.WARNING, "orchestrator link {0} failed: {1}", uri, rootMessage(error));
            ended.complete(-1L);
        }
    }

    /** A hello for this agent. */
    public static Message.Hello hello(String agentVersion, Map<String, String> metadata) {
        return new Message.Hello(agentVersion, 1, metadata);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
