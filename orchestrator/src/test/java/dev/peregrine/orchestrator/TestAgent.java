package dev.peregrine.orchestrator;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import dev.peregrine.protocol.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A WebSocket client speaking the agent side of the protocol, with the JDK's client. */
final class TestAgent implements AutoCloseable {
    /** How the server closed the connection. */
    record Closed(int code, String reason) {
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private TestAgent(WebSocket ws) {
        this.ws = ws;
    }

    static TestAgent connect(int port) throws Exception {
        return connect(URI.create("ws://127.0.0.1:" + port + "/v1/agent"), null, CLIENT);
    }

    static TestAgent connect(URI uri, String token, HttpClient client) throws Exception {
        Listener listener = new Listener();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket ws = builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        TestAgent agent = listener.agent = new TestAgent(ws);
        listener.ready.complete(agent);
        return agent;
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<TestAgent> ready = new CompletableFuture<>();
        TestAgent agent;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                ready.thenAccept(a -> {
                    try {
                        a.received.add(MessageCodec.decode(frame));
                    } catch (ProtocolException e) {
                        throw new AssertionError("orchestrator sent a bad frame: " + frame, e);
                    }
                });
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ready.thenAccept(a -> a.closed.complete(new Closed(statusCode, reason)));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ready.thenAccept(a -> a.closed.complete(new Closed(-1, String.valueOf(error))));
        }
    }

    TestAgent send(Message message) {
        return sendRaw(MessageCodec.encode(message));
    }

    TestAgent sendRaw(String frame) {
        ws.sendText(frame, true).join();
        return this;
    }

    TestAgent hello() {
        return send(new Message.Hello("test-agent 0.1", 1, Map.of("agent_id", "test")));
    }

    TestAgent events(long seq, List<Alert> alerts) {
        return send(new Message.Events(seq, alerts));
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    /** The next message of the given type, skipping heartbeats. */
    <T extends Message> T await(Class<T> type) throws Exception {
        return await(type, Duration.ofSeconds(10));
    }

    <T extends Message> T await(Class<T> type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Message m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new TimeoutException("no " + type.getSimpleName() + " within " + timeout);
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
            if (!(m instanceof Message.Heartbeat)) {
                throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
            }
        }
    }

    Closed awaitClose() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return !closed.isDone() && !ws.isInputClosed();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
