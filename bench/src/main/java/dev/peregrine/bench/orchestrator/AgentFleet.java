package dev.peregrine.bench.orchestrator;

import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's agents: many WebSocket connections to the orchestrator, all driven by one
 * selector thread so that the load generator costs little next to what it measures. Each link
 * behaves as an agent does on the wire: HTTP upgrade, {@code hello}, waits for {@code welcome},
 * a {@code heartbeat} every 2 s, {@code events} batches with increasing {@code seq}, and it
 * reads the orchestrator's frames ({@code ack}s are timed; pings answered; a close is recorded
 * with its reason). Frames are written from templates with hand-written framing
 * ({@link ClientFrames}); a real agent uses a WebSocket library.
 */
final class AgentFleet implements AutoCloseable {
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    private static final byte[] ACK_PREFIX = "{\"type\":\"ack\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME_PREFIX = "{\"type\":\"welcome\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REJECT_PREFIX = "{\"type\":\"reject\"".getBytes(StandardCharsets.US_ASCII);
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Selector selector;
    private final int agents;
    /** Links in connection order; the selector thread's own (it registers them from {@link #connected}). */
    private final List<Link> links = new ArrayList<>();
    /** Links handed over by the connecting thread, to be registered by the selector thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Link> connected = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final EventFrames frames;
    private final int batch;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1024 * 1024);
    private final ByteBuffer heartbeat = ClientFrames.text(MessageCodec.encode(new Message.Heartbeat()).getBytes(StandardCharsets.UTF_8));
    private final CountDownLatch welcomed;
    private final CountDownLatch sendsDone = new CountDownLatch(1);
    private final Thread loop;
    private volatile boolean running = true;
    private volatile Schedule events;
    private volatile String failure;

    /** Events offered in the measured window, and in the whole run (warm-up included). */
    final AtomicLong sentMeasured = new AtomicLong(), sentTotal = new AtomicLong();
    final AtomicInteger sendErrors = new AtomicInteger();
    final Map<String, AtomicInteger> closeReasons = new ConcurrentHashMap<>();
    private long[] ackLatencies = new long[1 << 16];
    private int ackCount;

    /** When each agent sends: agent i at {@code start + round * interval + interval * i / agents}, until {@code end}. */
    private record Schedule(long start, long measureFrom, long end, long interval) {
    }

    private AgentFleet(int agents, int batch) throws IOException {
        this.selector = Selector.open();
        this.agents = agents;
        this.frames = new EventFrames();
        this.batch = batch;
        this.welcomed = new CountDownLatch(agents);
        this.loop = Thread.ofPlatform().name("bench-agents").daemon().unstarted(this::run);
    }

    /**
     * Opens {@code agents} links: upgrade and {@code hello} on the calling thread, one after the
     * other, while the selector thread already reads each welcomed link's frames and sends its
     * heartbeats (connecting 1,000 links takes seconds; the first must not go silent meanwhile).
     */
    static AgentFleet connect(InetSocketAddress orchestrator, int agents, int batch) throws IOException, InterruptedException {
        AgentFleet fleet = new AgentFleet(agents, batch);
        fleet.loop.start();
        try {
            for (int i = 0; i < agents; i++) {
                fleet.connected.add(fleet.connect(orchestrator, i));
                fleet.selector.wakeup();
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private Link connect(InetSocketAddress address, int index) throws IOException {
        SocketChannel ch = SocketChannel.open(address);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        byte[] nonce = new byte[16];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET /v1/agent HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        writeFully(ch, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        String response = readHttpHead(ch);
        String expectedAccept = accept(key);
        if (!response.startsWith("HTTP/1.1 101") || !response.toLowerCase(java.util.Locale.ROOT)
                .contains("sec-websocket-accept: " + expectedAccept.toLowerCase(java.util.Locale.ROOT))) {
            throw new IOException("agent " + index + ": WebSocket upgrade refused: " + response.lines().findFirst().orElse(""));
        }
        String hello = MessageCodec.encode(new Message.Hello("bench 0", 1, Map.of("agent_id", "bench-" + index)));
        writeFully(ch, ClientFrames.text(hello.getBytes(StandardCharsets.UTF_8)));
        ch.configureBlocking(false);
        return new Link(index, ch);
    }

    /** The response head, byte by byte: the orchestrator sends nothing after it until our {@code hello}. */
    private static String readHttpHead(SocketChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("connection closed during the WebSocket upgrade: " + head);
            }
            head.append((char) one.get(0));
        }
        return head.toString();
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Waits until every agent has its {@code welcome}; fails on a {@code reject}. */
    void awaitWelcomed(Duration timeout) throws InterruptedException {
        if (!welcomed.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || failure != null) {
            throw new IllegalStateException(failure != null ? failure
                    : welcomed.getCount() + " agents got no welcome within " + timeout.toSeconds() + " s");
        }
    }

    /** Starts sending: batches of events from {@code start} until {@code end} (nanoTime), timed from {@code measureFrom}. */
    void send(long start, long measureFrom, long end, Duration interval) {
        events = new Schedule(start, measureFrom, end, interval.toNanos());
        selector.wakeup();
    }

    void awaitSendsDone() throws InterruptedException {
        sendsDone.await();
    }

    /** CPU time of the selector thread so far: the whole cost of the agents in this JVM. */
    long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(loop.threadId());
    }

    /** Agent→ack latencies of the batches sent in the measured window, sorted. */
    synchronized long[] ackLatenciesSorted() {
        long[] out = Arrays.copyOf(ackLatencies, ackCount);
        Arrays.sort(out);
        return out;
    }

    private synchronized void recordAck(long nanos) {
        if (ackCount == ackLatencies.length) {
            ackLatencies = Arrays.copyOf(ackLatencies, ackCount * 2);
        }
        ackLatencies[ackCount++] = nanos;
    }

    private void run() {
        long heartbeatInterval = HEARTBEAT_INTERVAL.toNanos();
        long heartbeatStart = System.nanoTime();
        long heartbeatRound = 0;
        int heartbeatNext = 0;
        long eventRound = 0;
        int eventNext = 0;
        boolean eventsDone = false;
        try {
            while (running) {
                for (Link l; (l = connected.poll()) != null; ) {
                    l.key = l.channel.register(selector, SelectionKey.OP_READ, l);
                    links.add(l);
                }
                long now = System.nanoTime();
                long nextDue = heartbeatStart + heartbeatRound * heartbeatInterval + heartbeatInterval * heartbeatNext / agents;
                while (nextDue <= now) {
                    Link l = heartbeatNext < links.size() ? links.get(heartbeatNext) : null;
                    if (l != null && l.welcomed && !l.closed) {
                        write(l, heartbeat.duplicate());
                    }
                    if (++heartbeatNext == agents) {
                        heartbeatNext = 0;
                        heartbeatRound++;
                    }
                    nextDue = heartbeatStart + heartbeatRound * heartbeatInterval + heartbeatInterval * heartbeatNext / agents;
                }
                Schedule s = events;
                if (s != null && !eventsDone) {
                    long due = s.start() + eventRound * s.interval() + s.interval() * eventNext / agents;
                    while (due <= now && due < s.end()) {
                        sendEvents(links.get(eventNext), s, System.nanoTime());
                        if (++eventNext == agents) {
                            eventNext = 0;
                            eventRound++;
                        }
                        due = s.start() + eventRound * s.interval() + s.interval() * eventNext / agents;
                    }
                    if (due >= s.end()) {
                        eventsDone = true;
                        sendsDone.countDown();
                    } else {
                        nextDue = Math.min(nextDue, due);
                    }
                }
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextDue - System.nanoTime() + 999_999));
                selector.select(waitMillis);
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    Link l = (Link) k.attachment();
                    try {
                        if (k.isValid() && k.isWritable()) {
                            flush(l);
                        }
                        if (k.isValid() && k.isReadable()) {
                            read(l);
                        }
                    } catch (IOException | RuntimeException e) {
                        lost(l, "error: " + e.getMessage());
                    }
                }
                keys.clear();
            }
        } catch (IOException | RuntimeException e) {
            failure = "agent loop failed: " + e;
            e.printStackTrace();
        } finally {
            sendsDone.countDown();
            while (welcomed.getCount() > 0) {
                welcomed.countDown();
            }
        }
    }

    private void sendEvents(Link l, Schedule s, long now) {
        if (l.closed || !l.welcomed) {
            return;
        }
        boolean measured = now >= s.measureFrom();
        long seq = l.seq++;
        l.pending.addLast(new long[] {seq, measured ? now : -1});
        write(l, frames.events(seq, batch, Instant.now(), writeBuffer));
        sentTotal.addAndGet(batch);
        if (measured) {
            sentMeasured.addAndGet(batch);
        }
    }

    /** Writes what the socket takes now and queues the rest (in order) for when it is writable. */
    private void write(Link l, ByteBuffer frame) {
        try {
            if (l.out.isEmpty()) {
                l.channel.write(frame);
                if (!frame.hasRemaining()) {
                    return;
                }
            }
            ByteBuffer rest = ByteBuffer.allocate(frame.remaining());
            rest.put(frame).flip();
            l.out.addLast(rest);
            l.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            lost(l, "write failed: " + e.getMessage());
        }
    }

    private void flush(Link l) throws IOException {
        while (!l.out.isEmpty()) {
            ByteBuffer b = l.out.peekFirst();
            l.channel.write(b);
            if (b.hasRemaining()) {
                return;
            }
            l.out.removeFirst();
        }
        l.key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Link l) throws IOException {
        readBuffer.clear();
        int n = l.channel.read(readBuffer);
        if (n < 0) {
            lost(l, "connection closed without a close frame");
            return;
        }
        readBuffer.flip();
        l.reader.read(readBuffer, (opcode, prefix, length) -> message(l, opcode, prefix, length));
    }

    private void message(Link l, int opcode, byte[] prefix, int length) {
        switch (opcode) {
            case ClientFrames.OP_TEXT -> {
                if (startsWith(prefix, length, ACK_PREFIX)) {
                    acked(l, parseLong(prefix, ACK_PREFIX.length, length));
                } else if (startsWith(prefix, length, WELCOME_PREFIX)) {
                    if (!l.welcomed) {
                        l.welcomed = true;
                        welcomed.countDown();
                    }
                } else if (startsWith(prefix, length, REJECT_PREFIX)) {
                    failure = "agent " + l.index + " rejected: " + new String(prefix, 0, length, StandardCharsets.UTF_8);
                    welcomed.countDown();
                }
                // heartbeat and bundle frames need no answer
            }
            case ClientFrames.OP_PING -> {
                writeBuffer.clear();
                ClientFrames.put(writeBuffer, ClientFrames.OP_PONG, prefix, length);
                write(l, writeBuffer.flip());
            }
            case ClientFrames.OP_CLOSE -> {
                int code = length >= 2 ? (prefix[0] & 0xFF) << 8 | (prefix[1] & 0xFF) : 1005;
                lost(l, code + " " + new String(prefix, Math.min(2, length), Math.max(0, length - 2), StandardCharsets.UTF_8));
            }
            default -> {
            }
        }
    }

    /** Acks are cumulative: every batch up to {@code seq} is spooled. */
    private void acked(Link l, long seq) {
        long now = System.nanoTime();
        while (!l.pending.isEmpty() && l.pending.peekFirst()[0] <= seq) {
            long sentAt = l.pending.removeFirst()[1];
            if (sentAt >= 0) {
                recordAck(now - sentAt);
            }
        }
    }

    private void lost(Link l, String reason) {
        if (l.closed) {
            return;
        }
        l.closed = true;
        closeReasons.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
        try {
            l.channel.close();
        } catch (IOException ignored) {
            // closing a socket that is gone already
        }
    }

    private static boolean startsWith(byte[] b, int length, byte[] literal) {
        if (length < literal.length) {
            return false;
        }
        for (int i = 0; i < literal.length; i++) {
            if (b[i] != literal[i]) {
                return false;
            }
        }
        return true;
    }

    private static long parseLong(byte[] b, int from, int length) {
        long v = 0;
        int i = from;
        for (; i < length && b[i] >= '0' && b[i] <= '9'; i++) {
            v = v * 10 + (b[i] - '0');
        }
        if (i == from) {
            throw new IllegalStateException("ack without a seq number: " + new String(b, 0, length, StandardCharsets.UTF_8));
        }
        return v;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        selector.wakeup();
        loop.join(5_000);
        List<Link> all = new ArrayList<>(links);
        all.addAll(connected);
        for (Link l : all) {
            try {
                l.channel.close();
            } catch (IOException ignored) {
                // the benchmark is over
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // the benchmark is over
        }
    }

    /** One agent's connection and the state of its protocol. Touched only by the selector thread. */
    private static final class Link {
        final int index;
        final SocketChannel channel;
        final ServerFrameReader reader = new ServerFrameReader();
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        /** Sent, not yet acknowledged: {seq, send nanoTime or -1 outside the measured window}. */
        final ArrayDeque<long[]> pending = new ArrayDeque<>();
        SelectionKey key;
        long seq;
        boolean welcomed;
        boolean closed;

        Link(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }
    }
}
