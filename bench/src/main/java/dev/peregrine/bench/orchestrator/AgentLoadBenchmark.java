package dev.peregrine.bench.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.backend.devdb.LocalPostgres;
import dev.peregrine.bench.backend.ProcessTreeCpu;
import dev.peregrine.protocol.ProtocolJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.TimeUnit;

/**
 * Load on one orchestrator, end to end: many WebSocket agents ({@link AgentFleet}, one selector
 * thread whose CPU is reported apart) each send batches of alerts at a fixed total rate; the orchestrator (its own JVM, so that its CPU time can be measured) spools
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
    static final String ADMIN = "bench-admin-token-0123456789";

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
        long connectStart = System.nanoTime();
        try (AgentFleet agents = AgentFleet.connect(new InetSocketAddress("127.0.0.1", orchestrator.agentPort), o.agents(), batch)) {
            agents.awaitWelcomed(Duration.ofSeconds(60));
            System.out.printf("%d agents connected and welcomed in %d ms%n", o.agents(), (System.nanoTime() - connectStart) / 1_000_000);
            measure(o, agents, orchestrator, backend, dbServerPid);
        }
    }

    /** CPU seconds of each part of the system at one moment. */
    private record Cpu(double orchestrator, double benchJvm, double agents, double db) {
        static Cpu now(OrchestratorUnderLoad orchestrator, AgentFleet agents, long dbServerPid) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(orchestrator.cpuTime().toNanos() / 1e9, os.getProcessCpuTime() / 1e9, agents.cpuNanos() / 1e9,
                    ProcessTreeCpu.seconds(dbServerPid));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(orchestrator - earlier.orchestrator, benchJvm - earlier.benchJvm, agents - earlier.agents, db - earlier.db);
        }

        /** The bench JVM without the agents' selector thread: the backend (and this benchmark's bookkeeping). */
        double backend() {
            return benchJvm - agents;
        }

        /** What production would spend: orchestrator, backend and database, without the simulated agents. */
        double system() {
            return orchestrator + backend() + db;
        }
    }

    private static void measure(Options o, AgentFleet agents, OrchestratorUnderLoad orchestrator, Backend backend, long dbServerPid)
            throws Exception {
        // CPU of the whole run, from the first send until the backend holds everything: unlike the
        // measured window, this includes the work a lagging backend does after the agents stopped
        Cpu atFirstSend = Cpu.now(orchestrator, agents, dbServerPid);
        long start = System.nanoTime();
        long measureFrom = start + o.warmup().toNanos();
        Instant measureFromWall = Instant.now().plus(o.warmup());
        long end = measureFrom + o.measure().toNanos();
        agents.send(start, measureFrom, end, o.interval());
        long waitWarmup = measureFrom - System.nanoTime();
        if (waitWarmup > 0) {
            TimeUnit.NANOSECONDS.sleep(waitWarmup);
        }
        Cpu atMeasureFrom = Cpu.now(orchestrator, agents, dbServerPid);
        agents.awaitSendsDone();
        Cpu window = Cpu.now(orchestrator, agents, dbServerPid).minus(atMeasureFrom);
        double sendSeconds = (System.nanoTime() - measureFrom) / 1e9;
        long sent = agents.sentMeasured.get();
        long total = agents.sentTotal.get();
        long drainStart = System.nanoTime();
        long deadline = drainStart + TimeUnit.SECONDS.toNanos(120);
        // drained: everything spooled is at the backend (events sent on links the orchestrator closed were never acknowledged).
        // The row count is asked only once the spool is empty: on H2 it is not cheap, and this CPU is charged to the backend.
        while (System.nanoTime() < deadline) {
            if (orchestrator.metric("peregrine_orchestrator_spool_backlog_bytes") == 0) {
                long stored = backend.events().total();
                if (stored >= total || stored >= orchestrator.metric("peregrine_orchestrator_events_spooled_total")) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        long stored = backend.events().total();
        Cpu run = Cpu.now(orchestrator, agents, dbServerPid).minus(atFirstSend);

        long[] ack = agents.ackLatenciesSorted();
        long[] e2e = endToEndMillis(backend, measureFromWall);
        System.out.println();
        System.out.printf("sent        %,d events in the measured %.1f s = %,.0f events/s (target %,.0f), send errors %d%n",
                sent, sendSeconds, sent / sendSeconds, TARGET_EVENTS_PER_SECOND, agents.sendErrors.get());
        System.out.printf("acked       %,d batches; agent->ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ack.length, pct(ack, 0.50) / 1e6, pct(ack, 0.99) / 1e6, ack.length == 0 ? 0 : ack[ack.length - 1] / 1e6);
        System.out.printf("backend     %,d of %,d events stored (warm-up included); drained %.1f s after the last send%n", stored, total, drainSeconds);
        if (!agents.closeReasons.isEmpty()) {
            System.out.println("links closed: " + agents.closeReasons);
        }
        double perCpuSecond = sent / Math.max(1e-9, window.orchestrator());
        System.out.printf("window      CPU s over the measured window: orchestrator %.1f (%,.0f events per CPU-second), backend %.1f%s, "
                        + "benchmark agents %.1f%n", window.orchestrator(), perCpuSecond, window.backend(),
                dbServerPid > 0 ? String.format(", PostgreSQL %.1f", window.db()) : " (embedded H2)", window.agents());
        double perEvent = 1e6 / Math.max(1, stored);
        double systemMicros = run.system() * perEvent;
        System.out.printf("whole run   CPU per stored event: orchestrator %.1f us, backend %.1f us%s = %.1f us, at most %,.0f events/s "
                        + "on 2 idle cores; benchmark agents %.1f us more (all together %.1f us = %,.0f events/s)%n",
                run.orchestrator() * perEvent, run.backend() * perEvent,
                dbServerPid > 0 ? String.format(", PostgreSQL %.1f us", run.db() * perEvent) : "",
                systemMicros, 2e6 / Math.max(1e-9, systemMicros), run.agents() * perEvent,
                systemMicros + run.agents() * perEvent, 2e6 / Math.max(1e-9, systemMicros + run.agents() * perEvent));
        System.out.printf("forwarder   %,.0f failed attempts, %,.0f bytes not yet at the backend%n",
                orchestrator.metric("peregrine_orchestrator_forward_failures"), orchestrator.metric("peregrine_orchestrator_spool_backlog_bytes"));
        System.out.printf("machine     load average %.1f on %d cores at the end%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        System.out.printf("end to end  agent->backend latency p50 %d ms, p99 %d ms, max %d ms (target p99 <= %d ms)%n",
                pct(e2e, 0.50), pct(e2e, 0.99), e2e.length == 0 ? 0 : e2e[e2e.length - 1], TARGET_P99.toMillis());
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

    static String accessKey(URI backend) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(backend.resolve("/api/v1/access-keys"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = ProtocolJson.mapper().readTree(r.body());
        return node.get("key").asText();
    }

}
