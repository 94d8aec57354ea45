package dev.peregrine.bench.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.backend.devdb.LocalPostgres;
import dev.peregrine.bench.backend.ProcessTreeCpu;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Message;
import dev.peregrine.protocol.MessageCodec;
import dev.peregrine.protocol.ProtocolJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on one orchestrator, end to end: many WebSocket agents each send batches of alerts at a
 * fixed total rate; the orchestrator (its own JVM, so that its CPU time can be measured) spools
 * (fsync) and acknowledges them and forwards them to the real backend (in this JVM; H2 file
 * database, or a local PostgreSQL with fsync on). Reports the achieved event rate, agent→ack latency
 * (measured by the agents) and agent→backend latency (each alert's {@code time} is its send
 * time; the backend records {@code received_at} when it stores it).
 *
 * <pre>bench/run-orchestrator.sh [--agents 1000] [--rate 20000] [--seconds 10] [--interval-ms 250] [--db h2|postgresql]</pre>
 */
public final class AgentLoadBenchmark {
    public static final int TARGET_AGENTS = 1000;
    public static final double TARGET_EVENTS_PER_SECOND = 20_000;
    public static final Duration TARGET_P99 = Duration.ofSeconds(1);
    private static final String ADMIN = "bench-admin-token-0123456789";

    record Options(int agents, int rate, Duration warmup, Duration measure, Duration interval, String db) {
        static Options parse(String[] args) {
            int agents = TARGET_AGENTS;
            int rate = (int) TARGET_EVENTS_PER_SECOND;
            int seconds = 10;
            int intervalMs = 250;
            int warmup = 3;
            String db = "h2";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--agents" -> agents = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--interval-ms" -> intervalMs = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--db" -> db = args[++i];
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; use --agents N --rate EVENTS_PER_S --seconds N --warmup N --interval-ms N --db h2|postgresql");
                }
            }
            if (!db.equals("h2") && !db.equals("postgresql")) {
                throw new IllegalArgumentException("--db must be h2 or postgresql, got " + db);
            }
            return new Options(agents, rate, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), Duration.ofMillis(intervalMs), db);
        }

        /** Events in one batch of one agent, so that all agents together send {@code rate} per second. */
        int batchSize() {
            return Math.max(1, (int) Math.round((double) rate * interval.toMillis() / 1000.0 / agents));
        }
    }

    /** One simulated agent: sends batches on its own virtual thread, times each batch until its ack. */
    static final class LoadAgent implements WebSocket.Listener {
        final int index;
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        final List<Long> ackNanos;
        final AtomicLong acked;
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;
        volatile boolean stopped;

        /** One frame at a time per socket, as the JDK client requires; heartbeats and events share it. */
        synchronized void send(String frame) {
            ws.sendText(frame, true).join();
        }

        /** Like a real agent: a heartbeat every 2 s, so that a quiet agent is not taken for dead. */
        void heartbeatEvery2s() {
            String frame = MessageCodec.encode(new Message.Heartbeat());
            Thread.ofVirtual().start(() -> {
                while (!stopped) {
                    try {
                        Thread.sleep(2_000);
                        send(frame);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        LoadAgent(int index, List<Long> ackNanos, AtomicLong acked) {
            this.index = index;
            this.ackNanos = ackNanos;
            this.acked = acked;
        }

        static final Map<String, AtomicInteger> CLOSE_REASONS = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            CLOSE_REASONS.computeIfAbsent(statusCode + " " + reason, k -> new AtomicInteger()).incrementAndGet();
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    switch (MessageCodec.decode(partial.toString())) {
                        case Message.Welcome w -> welcomed.complete(null);
                        case Message.Reject r -> welcomed.completeExceptionally(new IllegalStateException("rejected: " + r.reason()));
                        case Message.Ack ack -> {
                            Long t = sentAt.remove(ack.seq());
                            if (t != null) {
                                long latency = System.nanoTime() - t;
                                synchronized (ackNanos) {
                                    ackNanos.add(latency);
                                }
                                acked.incrementAndGet();
                            }
                        }
                        default -> {
                        }
                    }
                } catch (Exception e) {
                    welcomed.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path dir = Files.createTempDirectory("peregrine-orchestrator-bench-");
        int batch = o.batchSize();
        System.out.printf("orchestrator load: %d agents, target %,d events/s (batches of %d every %d ms), %d s warm-up + %d s measured, backend on %s%n",
                o.agents(), o.rate(), batch, o.interval().toMillis(), o.warmup().toSeconds(), o.measure().toSeconds(), o.db());
        try {
            if (o.db().equals("postgresql")) {
                try (LocalPostgres pg = LocalPostgres.start(Path.of(System.getProperty("peregrine.root", ".")), true)) {
                    run(o, batch, dir, pg.createDatabase("bench"), pg.serverPid());
                }
            } else {
                run(o, batch, dir, null, -1);
            }
        } finally {
            // the H2 database and the spool of a run are tens of MB
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** @param dbServerPid the PostgreSQL server, whose CPU time is reported too; -1 for embedded H2 */
    private static void run(Options o, int batch, Path dir, String dbUrl, long dbServerPid) throws Exception {
        try (Backend backend = Backend.start(BackendConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withDb(dbUrl, dir.resolve("backend")).withAdminToken(ADMIN).withAnnounce(new PrintStream(new ByteArrayOutputStream())))) {
            URI backendUrl = URI.create("http://127.0.0.1:" + backend.port());
            String key = accessKey(backendUrl);
            try (OrchestratorUnderLoad orchestrator = OrchestratorUnderLoad.start(backendUrl, key, dir.resolve("orchestrator"))) {
                orchestrator.awaitReady();
                run(o, batch, orchestrator, backend, dbServerPid);
            }
        }
    }

    private static void run(Options o, int batch, OrchestratorUnderLoad orchestrator, Backend backend, long dbServerPid) throws Exception {
        FrameTemplate frames = new FrameTemplate();
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + orchestrator.agentPort + "/v1/agent");
        List<Long> ackNanos = new ArrayList<>();
        AtomicLong acked = new AtomicLong();
        List<LoadAgent> agents = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < o.agents(); i++) {
            LoadAgent agent = new LoadAgent(i, ackNanos, acked);
            agent.ws = client.newWebSocketBuilder().buildAsync(uri, agent).get(30, TimeUnit.SECONDS);
            agent.ws.sendText(MessageCodec.encode(new Message.Hello("bench 0", 1, Map.of("agent_id", "bench-" + i))), true).join();
            agent.welcomed.thenRun(agent::heartbeatEvery2s);
            agents.add(agent);
        }
        for (LoadAgent a : agents) {
            a.welcomed.get(60, TimeUnit.SECONDS);
        }
        System.out.printf("%d agents connected and welcomed in %d ms%n", agents.size(), (System.nanoTime() - connectStart) / 1_000_000);

        AtomicLong sentEvents = new AtomicLong();
        AtomicLong totalEvents = new AtomicLong();
        AtomicInteger sendErrors = new AtomicInteger();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // CPU of the whole run, from the first send until the backend holds everything: unlike the
        // measured window, this includes the work a lagging backend does after the agents stopped
        Duration orchestratorCpuAtFirstSend = orchestrator.cpuTime();
        long benchCpuAtFirstSend = os.getProcessCpuTime();
        double dbCpuAtFirstSend = ProcessTreeCpu.seconds(dbServerPid);
        long start = System.nanoTime();
        long measureFrom = start + o.warmup().toNanos();
        Instant measureFromWall = Instant.now().plus(o.warmup());
        long end = measureFrom + o.measure().toNanos();
        long intervalNanos = o.interval().toNanos();
        CountDownLatch done = new CountDownLatch(agents.size());
        for (LoadAgent a : agents) {
            Thread.ofVirtual().start(() -> {
                try {
                    // spread agents over the interval so batches do not all arrive at once
                    long next = start + (intervalNanos * a.index) / agents.size();
                    long seq = 0;
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        String frame = frames.events(a.index, seq, batch, Instant.now().toString());
                        long sendNanos = System.nanoTime();
                        if (sendNanos >= measureFrom) {
                            a.sentAt.put(seq, sendNanos);
                        }
                        a.send(frame);
                        if (sendNanos >= measureFrom) {
                            sentEvents.addAndGet(batch);
                        }
                        totalEvents.addAndGet(batch);
                        seq++;
                        next += intervalNanos;
                    }
                } catch (Exception e) {
                    sendErrors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        // orchestrator CPU over the measured window only
        Duration cpuAtStart = Duration.ZERO;
        long waitWarmup = measureFrom - System.nanoTime();
        if (waitWarmup > 0) {
            TimeUnit.NANOSECONDS.sleep(waitWarmup);
        }
        cpuAtStart = orchestrator.cpuTime();
        long benchCpuAtStart = os.getProcessCpuTime();
        double dbCpuAtStart = ProcessTreeCpu.seconds(dbServerPid);
        done.await();
        Duration orchestratorCpu = orchestrator.cpuTime().minus(cpuAtStart);
        double benchCpu = (os.getProcessCpuTime() - benchCpuAtStart) / 1e9;
        double dbCpu = ProcessTreeCpu.seconds(dbServerPid) - dbCpuAtStart;
        double sendSeconds = (System.nanoTime() - measureFrom) / 1e9;
        long sent = sentEvents.get();
        long total = totalEvents.get();
        long drainStart = System.nanoTime();
        long deadline = drainStart + TimeUnit.SECONDS.toNanos(120);
        // drained: everything spooled is at the backend (events sent on links the orchestrator closed were never acknowledged)
        while ((orchestrator.metric("peregrine_orchestrator_spool_backlog_bytes") > 0
                || backend.events().total() < orchestrator.metric("peregrine_orchestrator_events_spooled_total"))
                && backend.events().total() < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        long stored = backend.events().total();
        double runOrchestratorCpu = orchestrator.cpuTime().minus(orchestratorCpuAtFirstSend).toNanos() / 1e9;
        double runBenchCpu = (os.getProcessCpuTime() - benchCpuAtFirstSend) / 1e9;
        double runDbCpu = ProcessTreeCpu.seconds(dbServerPid) - dbCpuAtFirstSend;
        for (LoadAgent a : agents) {
            a.stopped = true;
            a.ws.abort();
        }

        long[] ack = ackNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] e2e = endToEndMillis(backend, measureFromWall);
        System.out.println();
        System.out.printf("sent        %,d events in the measured %.1f s = %,.0f events/s (target %,.0f), send errors %d%n",
                sent, sendSeconds, sent / sendSeconds, TARGET_EVENTS_PER_SECOND, sendErrors.get());
        System.out.printf("acked       %,d batches; agent->ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ack.length, pct(ack, 0.50) / 1e6, pct(ack, 0.99) / 1e6, ack.length == 0 ? 0 : ack[ack.length - 1] / 1e6);
        System.out.printf("backend     %,d of %,d events stored (warm-up included); drained %.1f s after the last send%n", stored, total, drainSeconds);
        if (!LoadAgent.CLOSE_REASONS.isEmpty()) {
            System.out.println("links closed by the orchestrator: " + LoadAgent.CLOSE_REASONS);
        }
        double perCpuSecond = sent / Math.max(1e-9, orchestratorCpu.toNanos() / 1e9);
        System.out.printf("orchestrator CPU %.1f s over the measured window = %,.0f events per CPU-second "
                        + "(on 2 otherwise idle cores: about %,.0f events/s)%n",
                orchestratorCpu.toNanos() / 1e9, perCpuSecond, 2 * perCpuSecond);
        System.out.printf("bench JVM   CPU %.1f s (the agents' WebSocket clients and the backend with %s)%s%n", benchCpu,
                dbServerPid > 0 ? "its JDBC driver" : "embedded H2",
                dbServerPid > 0 ? String.format(", PostgreSQL server CPU %.1f s", dbCpu) : "");
        double perEvent = 1e6 / Math.max(1, stored);
        double totalMicros = (runOrchestratorCpu + runBenchCpu + runDbCpu) * perEvent;
        System.out.printf("whole run   CPU per stored event: orchestrator %.1f us, bench JVM (agents + backend) %.1f us%s; "
                        + "together %.1f us = at most %,.0f events/s on 2 idle cores%n",
                runOrchestratorCpu * perEvent, runBenchCpu * perEvent,
                dbServerPid > 0 ? String.format(", PostgreSQL %.1f us", runDbCpu * perEvent) : "",
                totalMicros, 2e6 / Math.max(1e-9, totalMicros));
        System.out.printf("forwarder   %,.0f failed attempts, %,.0f bytes not yet at the backend%n",
                orchestrator.metric("peregrine_orchestrator_forward_failures"), orchestrator.metric("peregrine_orchestrator_spool_backlog_bytes"));
        System.out.printf("machine     load average %.1f on %d cores at the end%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("end to end  agent->backend latency p50 %d ms, p99 %d ms, max %d ms (target p99 <= %d ms)%n",
                pct(e2e, 0.50), pct(e2e, 0.99), e2e.length == 0 ? 0 : e2e[e2e.length - 1], TARGET_P99.toMillis());
    }

    /**
     * The {@code events} frame of one batch, built from a template: the agents must cost little
     * next to what is measured (orchestrator and backend), so ids and time are filled into JSON
     * that was serialised once.
     */
    static final class FrameTemplate {
        private final String before;
        private final String between;
        private final String after;

        FrameTemplate() {
            String alert = ProtocolJson.write(new Alert("@ID@", "@TIME@", "Bench rule", "Warning", "bench event",
                    Map.of("proc.name", "bench"), "syscall", List.of("bench"), "bench-host", "bench", List.of("notify"), null));
            int id = alert.indexOf("@ID@");
            int time = alert.indexOf("@TIME@");
            if (id < 0 || time < id) {
                throw new IllegalStateException("unexpected alert JSON: " + alert);
            }
            before = alert.substring(0, id);
            between = alert.substring(id + 4, time);
            after = alert.substring(time + 6);
        }

        String events(int agent, long seq, int batch, String time) {
            StringBuilder sb = new StringBuilder(64 + batch * (before.length() + between.length() + after.length() + 64));
            sb.append("{\"type\":\"events\",\"seq\":").append(seq).append(",\"alerts\":[");
            for (int i = 0; i < batch; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(before).append('b').append(agent).append('-').append(seq).append('-').append(i)
                        .append(between).append(time).append(after);
            }
            return sb.append("]}").toString();
        }
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** received_at - event_time of every event sent in the measured window, in ms, sorted. */
    private static long[] endToEndMillis(Backend backend, Instant from) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = backend.database().connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_time, received_at FROM events")) {
            long fromMicros = from.getEpochSecond() * 1_000_000 + from.getNano() / 1_000;
            while (rs.next()) {
                // both columns are microseconds since the epoch
                long t = rs.getLong(1);
                long r = rs.getLong(2);
                if (t >= fromMicros) {
                    out.add((r - t) / 1_000);
                }
            }
        }
        long[] a = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static String accessKey(URI backend) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(backend.resolve("/api/v1/access-keys"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = ProtocolJson.mapper().readTree(r.body());
        return node.get("key").asText();
    }

}
