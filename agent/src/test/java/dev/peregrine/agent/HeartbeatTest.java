package dev.peregrine.agent;

import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.RulesFileContent;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent against an orchestrator-side peer that keeps the TCP connection open but stops
 * answering (no heartbeats, no acks): after 3 missed heartbeats the agent drops the link,
 * reconnects, and resends what the silent peer never acknowledged.
 */
class HeartbeatTest {
    @TempDir
    Path tmp;
    Peer peer;

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.app.stop();
        }
    }

    /** A real WebSocket server speaking the protocol through {@code MessageCodec}; the first connection can be made silent. */
    static final class Peer {
        final Javalin app;
        final int port;
        final Bundle bundle;
        final AtomicInteger hellos = new AtomicInteger();
        final Map<String, Integer> connectionOf = new ConcurrentHashMap<>();
        final Set<String> silent = ConcurrentHashMap.newKeySet();
        final Set<String> closedByAgent = ConcurrentHashMap.newKeySet();
        /** Alert ids per connection number (1 = first connection), as received; acknowledged ones separately. */
        final Map<Integer, List<String>> received = new ConcurrentHashMap<>();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final CopyOnWriteArrayList<Long> helloTimes = new CopyOnWriteArrayList<>();

        Peer(Bundle bundle) throws Exception {
            this.bundle = bundle;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = "127.0.0.1";
                cfg.jetty.port = port;
                cfg.routes.ws("/v1/agent", ws -> {
                    ws.onMessage(ctx -> onText(ctx, ctx.message()));
                    ws.onClose(ctx -> closedByAgent.add(ctx.sessionId()));
                });
            }).start();
        }

        void silence(int connection) {
            connectionOf.forEach((session, n) -> {
                if (n == connection) {
                    silent.add(session);
                }
            });
        }

        private void onText(WsContext ctx, String frame) throws Exception {
            Message m = MessageCodec.decode(frame);
            String session = ctx.sessionId();
            if (m instanceof Message.Events e) {
                int n = connectionOf.get(session);
                e.alerts().forEach(a -> received.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(a.id()));
            }
            if (silent.contains(session)) {
                return; // the link stays open, but nothing comes back: no heartbeat, no ack
            }
            switch (m) {
                case Message.Hello h -> {
                    connectionOf.put(session, hellos.incrementAndGet());
                    helloTimes.add(System.nanoTime());
                    send(ctx, new Message.Welcome("test-peer", bundle));
                }
                case Message.Events e -> {
                    e.alerts().stream().map(Alert::id).forEach(acknowledged::add);
                    send(ctx, new Message.Ack(e.seq()));
                }
                case Message.Heartbeat hb -> send(ctx, new Message.Heartbeat());
                default -> {
                }
            }
        }

        private void send(WsContext ctx, Message m) {
            ctx.send(MessageCodec.encode(m));
        }
    }

    private static void waitFor(BooleanSupplier condition, String what, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsDroppedAfterThreeHeartbeatsAndNothingIsLost() throws Exception {
        Bundle bundle = new Bundle("etag-heartbeat-test",
                List.of(new RulesFileContent("falco_rules.yaml", Files.readString(Run.upstreamRules()))),
                List.of(new Policy("sensitive-files", true, List.of("Read sensitive file untrusted"), null, null,
                        List.of(Action.NOTIFY), null)));
        peer = new Peer(bundle);
        Path quiet = tmp.resolve("quiet");
        Path end = tmp.resolve("end");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(AgentConfig.ORCHESTRATOR, "127.0.0.1:" + peer.port);
        AgentConfig config = AgentConfig.resolve(new AgentConfig.Flags(null, null, null, null, null, null, null, null), env)
                .withOutbox(100, tmp.resolve("outbox"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = new Agent(config, env, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(List.of("sh", "-c", "cat /etc/shadow > /dev/null; "
                        + "while [ ! -f " + quiet + " ]; do sleep 0.05; done; for i in 1 2 3; do cat /etc/shadow > /dev/null; done; "
                        + "while [ ! -f " + end + " ]; do sleep 0.05; done; exit 5"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waitFor(() -> peer.acknowledged.size() == 1, "the first alert acknowledged on the first connection", 30);
        peer.silence(1);
        long silentSince = System.nanoTime();
        Files.writeString(quiet, "");
        waitFor(() -> peer.received.getOrDefault(1, List.of()).size() == 4,
                "the three alerts raised while the peer is silent, sent on the silent link", 30);
        assertEquals(1, peer.hellos.get(), "still on the first link");
        waitFor(() -> peer.hellos.get() == 2, "a second hello after the silent link was dropped", 30);
        double afterSeconds = (peer.helloTimes.get(1) - silentSince) / 1e9;
        // 3 heartbeats of 2 s without a frame from the peer; the peer's last frame came at most one heartbeat before silence
        assertTrue(afterSeconds >= 3.5 && afterSeconds < 15, "reconnected " + afterSeconds + " s after the peer went silent");
        waitFor(() -> peer.closedByAgent.containsAll(peer.silent), "the agent closed the silent link", 30);
        waitFor(() -> peer.acknowledged.size() == 4, "all four alerts acknowledged after the reconnect", 30);
        List<String> first = peer.received.get(1);
        List<String> second = peer.received.get(2);
        assertTrue(second.containsAll(first.subList(1, first.size())),
                "what the silent peer never acknowledged is resent: " + first + " then " + second);
        assertEquals(4, Set.copyOf(peer.acknowledged).size());
        Files.writeString(end, "");
        assertEquals(5, status.get(60, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    }
}
