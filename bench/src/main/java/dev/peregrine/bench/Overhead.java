package dev.peregrine.bench;

import dev.peregrine.capture.Arch;
import dev.peregrine.capture.Capture;
import dev.peregrine.capture.CpuPinning;
import dev.peregrine.capture.Libc;
import dev.peregrine.capture.Render;
import dev.peregrine.capture.ExitStatus;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.Syscall;
import dev.peregrine.capture.SyscallExitHook;
import dev.peregrine.capture.SyscallHook;
import dev.peregrine.capture.Verdict;
import dev.peregrine.capture.SyscallTable;
import dev.peregrine.capture.TracedWorkload;
import dev.peregrine.capture.TrapSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workload overhead of capture: each workload runs natively, under the tracer (in this JVM,
 * as the agent runs it, with a consumer that only counts events) and under
 * {@code strace -f --seccomp-bpf} with the same trapped set. Runs are interleaved (every round
 * runs each configuration once, in rotating order) and the table reports medians as
 * throughput relative to native, with each configuration's noise. Run it with
 * {@code bench/overhead [--runs N] [--only WORKLOAD-PREFIX,...] [--configs NAME,...]}.
 */
public final class Overhead {
    /** A typical rule set's calls; capture adds its state-keeping calls, so strace gets them too. */
    static final String TRAPPED = "execve,execveat,open,openat,openat2,creat,connect,accept,accept4,bind,listen,"
            + "unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,chmod,fchmodat,setuid,setgid,ptrace,"
            + "memfd_create,chdir,fchdir,setreuid,setregid,setresuid,setresgid,setfsuid,setfsgid,capset";

    private Overhead() {
    }

    /** Every configuration, in the order the table shows them. */
    static final List<String> CONFIGS = List.of("native", "peregrine", "peregrine-nopin", "peregrine-pin",
            "peregrine-pf", "peregrine-exit", "agent", "agent-connected", "floor-1", "floor-2", "floor-notif", "strace", "strace-pin");
    static final List<String> DEFAULT_CONFIGS = List.of("native", "peregrine", "peregrine-pf", "agent",
            "agent-connected", "floor-1", "floor-2", "floor-notif", "strace");

    /** The tracer thread's CPU time in the last traced run, for the CPU cost table. */
    private static long lastTracerCpuNanos;

    public static void main(String[] args) throws Exception {
        int runs = 5;
        String only = null;
        List<String> chosen = DEFAULT_CONFIGS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--only") && i + 1 < args.length) {
                only = args[++i];
            } else if (args[i].equals("--configs") && i + 1 < args.length) {
                chosen = List.of(args[++i].split(","));
                for (String c : chosen) {
                    if (!CONFIGS.contains(c)) {
                        System.err.println("unknown configuration '" + c + "'; known: " + String.join(",", CONFIGS));
                        System.exit(2);
                    }
                }
                if (!chosen.contains("native")) {
                    System.err.println("--configs must include native (the baseline)");
                    System.exit(2);
                }
            } else {
                System.err.println("usage: overhead [--runs N] [--only WORKLOAD-PREFIX,...] [--configs "
                        + String.join(",", CONFIGS) + "]");
                System.exit(2);
            }
        }
        // tmpfs when there is one: the file workload should measure system calls, not the disk.
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "peregrine-overhead") : Files.createTempDirectory("peregrine-overhead");
        try (ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> serve(server));
            // Each workload runs for about 0.3-1 s natively: long enough that launch costs and
            // scheduling noise on a shared machine do not decide the ratio.
            Map<String, List<String>> workloads = new LinkedHashMap<>();
            workloads.put("create files (5000)", sh("cd " + dir + " && i=0; while [ $i -lt 5000 ]; do : > f$i; "
                    + "i=$((i+1)); done; rm -f f*"));
            workloads.put("spawn processes (500)", sh("i=0; while [ $i -lt 500 ]; do /bin/true; i=$((i+1)); done"));
            workloads.put("find /usr", List.of("find", "/usr", "-name", "*.gz"));
            workloads.put("tar /usr/share/doc", sh("tar cf - /usr/share/doc 2>/dev/null | cat > /dev/null"));
            workloads.put("compute loop", sh("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"));
            // Two processes computing at once: what pinning everything to one CPU would cost.
            workloads.put("parallel compute (2)", sh("c() { i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; };"
                    + " c & c; wait"));
            workloads.put("tcp requests (1000)", List.of("bash", "-c", "for i in $(seq 1000); do exec 3<>/dev/tcp/127.0.0.1/"
                    + server.getLocalPort() + "; echo hi >&3; read -r l <&3; exec 3>&-; done"));
            if (only != null) {
                List<String> prefixes = List.of(only.split(","));
                workloads.keySet().removeIf(k -> prefixes.stream().noneMatch(k::startsWith));
                if (workloads.isEmpty()) {
                    System.err.println("--only " + only + " matches no workload");
                    System.exit(2);
                }
            }

            TrapSet set = TrapSet.withStateKeeping(SyscallTable.parseList(TRAPPED));
            String straceSet = String.join(",", set.syscalls().stream().map(Syscall::name).sorted().toList());
            boolean haveStrace = Files.isExecutable(Path.of("/usr/bin/strace"));
            RatioTable table = new RatioTable("native");
            RatioTable cpuTable = new RatioTable("native");
            Map<String, long[]> events = new LinkedHashMap<>();
            Map<String, long[]> nopinEvents = new LinkedHashMap<>();
            // The same set with the argument pre-filter a rule set without directory-open rules allows.
            TrapSet prefiltered = set.withPrefilter(new TrapSet.Prefilter("openat", "flags",
                    Render.oDirectory(Arch.current()), TrapSet.Prefilter.When.ANY_SET));
            // The agent's synchronous exit hook for kill rules on opens (here: always allows), to
            // show what evaluating at the exit stop costs on the tracer thread.
            SyscallExitHook openExits = SyscallExitHook.of(java.util.Set.of(SyscallTable.require("open"),
                    SyscallTable.require("openat"), SyscallTable.require("openat2")), e -> Verdict.ALLOW);
            // The agent as it runs: the upstream stable rules under a notify policy, its own trap
            // set, and exit stops only for calls a rule could match.
            AgentRun standalone = null;
            AgentRun connected = null;
            Path stable = rulesDir().resolve("falco_rules.yaml");
            if (chosen.stream().anyMatch(c -> c.startsWith("agent"))) {
                if (!Files.isRegularFile(stable)) {
                    System.err.println("no " + stable + " (system property peregrine.rules.dir): the agent configurations are skipped");
                } else {
                    standalone = AgentRun.standalone(stable);
                    connected = AgentRun.connected(stable);
                }
            }
            Map<String, long[]> agentEvents = new LinkedHashMap<>();
            Map<String, long[]> connectedEvents = new LinkedHashMap<>();
            boolean haveAgent = standalone != null;
            // The floor: a minimal C program that stops the workload on the same calls and reads nothing.
            String floor = System.getProperty("peregrine.bench.floor");
            boolean haveFloor = floor != null && Files.isExecutable(Path.of(floor)) && Arch.current() == Arch.X86_64;
            if (!haveFloor && chosen.stream().anyMatch(c -> c.startsWith("floor"))) {
                System.err.println("no stop-floor program (built by bench/overhead with gcc, x86_64 only):"
                        + " the floor configurations are skipped");
            }
            String floorSet = String.join(",", set.syscalls().stream().map(c -> Integer.toString(c.x86_64())).toList());
            String[] configs = chosen.stream().filter(c -> haveStrace || !c.startsWith("strace"))
                    .filter(c -> haveAgent || !c.startsWith("agent"))
                    .filter(c -> haveFloor || !c.startsWith("floor")).toArray(String[]::new);
            for (int round = 0; round <= runs; round++) {
                for (var w : workloads.entrySet()) {
                    for (int k = 0; k < configs.length; k++) {
                        String config = configs[(k + round) % configs.length];
                        long cpu0 = CpuClock.childrenNanos();
                        lastTracerCpuNanos = 0;
                        double seconds = switch (config) {
                            case "native" -> runNative(w.getValue());
                            case "peregrine" -> runTraced(w.getValue(), set, CpuPinning.AUTO,
                                    events.computeIfAbsent(w.getKey(), x -> new long[3]), round > 0);
                            case "peregrine-nopin" -> runTraced(w.getValue(), set, CpuPinning.OFF,
                                    nopinEvents.computeIfAbsent(w.getKey(), x -> new long[3]), round > 0);
                            case "peregrine-pin" -> runTraced(w.getValue(), set, CpuPinning.ON, new long[3], false);
                            case "peregrine-pf" -> runTraced(w.getValue(), prefiltered, CpuPinning.AUTO, new long[3], false);
                            case "peregrine-exit" -> runTraced(w.getValue(), set, CpuPinning.AUTO, openExits,
                                    new long[3], false);
                            case "agent" -> runAgent(w.getValue(), standalone,
                                    agentEvents.computeIfAbsent(w.getKey(), x -> new long[3]), round > 0);
                            case "agent-connected" -> runAgent(w.getValue(), connected,
                                    connectedEvents.computeIfAbsent(w.getKey(), x -> new long[3]), round > 0);
                            case "floor-1" -> runFloor(floor, "1", floorSet, w.getValue());
                            case "floor-2" -> runFloor(floor, "2", floorSet, w.getValue());
                            case "floor-notif" -> runFloor(floor, "notif", floorSet, w.getValue());
                            case "strace-pin" -> runStrace(w.getValue(), straceSet, true);
                            default -> runStrace(w.getValue(), straceSet, false);
                        };
                        if (round > 0) { // round 0 warms up caches and the JIT
                            table.add(w.getKey(), config, seconds);
                            cpuTable.add(w.getKey(), config,
                                    (CpuClock.childrenNanos() - cpu0 + lastTracerCpuNanos) / 1e9);
                        }
                    }
                }
                System.err.println("round " + round + "/" + runs + " done");
            }
            System.out.println("Throughput relative to native (higher is better; 1.00x = native), median of "
                    + runs + " interleaved runs. Trapped: " + straceSet.split(",").length + " calls."
                    + " peregrine: CPU pinning auto (the default); -nopin: off; -pin: always on;"
                    + " -pf: auto + directory opens let through in the filter; -exit: auto + an exit hook"
                    + " on open, openat, openat2; agent: the agent's pipeline with the upstream stable rules"
                    + (standalone == null ? "" : " (" + standalone.traps().syscalls().size() + " calls trapped)")
                    + ", exit stops only where a rule could match; agent-connected: the same rules with the"
                    + " table's calls trapped (close only when a rule needs it), as a connected agent runs; floor-1: a minimal C tracer stopping once"
                    + " per trapped call and reading nothing, on one CPU with its workload (the least any ptrace tracer costs); floor-2: the same"
                    + " with the exit stop a result needs; floor-notif: seccomp user notification instead of ptrace,"
                    + " answering each call at once (no fork/exec tracking); strace-pin: strace under taskset on one CPU.");
            System.out.print(table.render());
            System.out.println();
            System.out.println("The same from each configuration's fastest run (the least disturbed by other load).");
            System.out.print(table.renderBest());
            System.out.println();
            System.out.println("Noise: (slowest - fastest) / median of each configuration's runs.");
            System.out.print(table.renderSpread());
            System.out.println();
            System.out.println("CPU cost relative to native (native CPU seconds / configuration's CPU seconds:"
                    + " the workload's processes, strace, and Peregrine's tracer thread), median; less sensitive to"
                    + " other load than wall time, blind to time spent waiting for a CPU to wake up.");
            System.out.print(cpuTable.render());
            System.out.println();
            printCapacity("peregrine (pinning auto)", events, runs);
            printCapacity("peregrine-nopin", nopinEvents, runs);
            printCapacity("agent (stable rules)", agentEvents, runs);
            printCapacity("agent-connected", connectedEvents, runs);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void printCapacity(String config, Map<String, long[]> events, int runs) {
        if (events.isEmpty()) {
            return;
        }
        System.out.println("Tracer thread, " + config + ": events per wall second, and its capacity = events per"
                + " second of its own CPU time (handling only, no waiting).");
        System.out.printf("%-24s %12s %14s %14s %12s%n", "workload", "events/run", "events/s", "capacity/s",
                "cpu us/event");
        for (var e : events.entrySet()) {
                long[] v = e.getValue();
                System.out.printf("%-24s %12d %14.0f %14.0f %12.1f%n", e.getKey(), v[0] / Math.max(1, runs),
                    v[1] == 0 ? 0 : v[0] / (v[1] / 1e9), v[2] == 0 ? 0 : v[0] / (v[2] / 1e9),
                    v[0] == 0 ? 0 : v[2] / 1e3 / v[0]);
        }
        System.out.println();
    }

    private static List<String> sh(String script) {
        return List.of("sh", "-c", script);
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream()));
                         var out = new PrintWriter(s.getOutputStream(), true)) {
                        String line = in.readLine();
                        out.println(line == null ? "" : line);
                    } catch (IOException ignored) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private static double runNative(List<String> cmd) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        check(cmd, p.waitFor());
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double runStrace(List<String> cmd, String set, boolean pinned) throws Exception {
        List<String> full = new ArrayList<>(pinned ? onThisCpu() : List.of());
        full.addAll(List.of("strace", "-f", "--seccomp-bpf", "-e", "trace=" + set, "-o", "/dev/null"));
        full.addAll(cmd);
        return runNative(full);
    }

    /** {@code taskset} keeping a command on the CPU the benchmark runs on. */
    private static List<String> onThisCpu() {
        return List.of("taskset", "-c", Integer.toString(Math.max(0, Libc.schedGetcpu())));
    }

    /** The floor program on one CPU with its workload: its best case (cross-CPU wake-ups cost it ~3x here). */
    private static double runFloor(String floor, String mode, String numbers, List<String> cmd) throws Exception {
        List<String> full = new ArrayList<>(onThisCpu());
        full.addAll(List.of(floor, mode, numbers));
        full.addAll(cmd);
        return runNative(full);
    }

    private static double runTraced(List<String> cmd, TrapSet set, CpuPinning pinning, long[] acc, boolean count)
            throws Exception {
        return runTraced(cmd, set, pinning, SyscallExitHook.NONE, acc, count);
    }

    private static double runTraced(List<String> cmd, TrapSet set, CpuPinning pinning, SyscallExitHook exitHook,
                                    long[] acc, boolean count) throws Exception {
        return timed(cmd, n -> Capture.start(quiet(cmd, set).withPinning(pinning), e -> n.incrementAndGet(),
                SyscallHook.ALLOW_ALL, exitHook), acc, count);
    }

    private static double runAgent(List<String> cmd, AgentRun agent, long[] acc, boolean count) throws Exception {
        return timed(cmd, n -> agent.start(quiet(cmd, agent.traps()).withPinning(CpuPinning.AUTO), n), acc, count);
    }

    private static LaunchSpec quiet(List<String> cmd, TrapSet set) {
        return LaunchSpec.of(cmd, set).withStdio(Path.of("/dev/null"), Path.of("/dev/null"), Path.of("/dev/null"));
    }

    /** Starts a traced workload that counts its events in the given counter. */
    private interface Start {
        TracedWorkload start(AtomicLong events) throws Exception;
    }

    /** Wall seconds of one traced run; with {@code count}, its events, wall and tracer CPU nanos go into {@code acc}. */
    private static double timed(List<String> cmd, Start start, long[] acc, boolean count) throws Exception {
        AtomicLong n = new AtomicLong();
        long t0 = System.nanoTime();
        TracedWorkload w = start.start(n);
        ExitStatus s = w.waitFor();
        long elapsed = System.nanoTime() - t0;
        check(cmd, s.shellStatus());
        lastTracerCpuNanos = w.tracerCpuNanos();
        if (count) {
            acc[0] += n.get();
            acc[1] += elapsed;
            acc[2] += w.tracerCpuNanos();
        }
        return elapsed / 1e9;
    }

    private static Path rulesDir() {
        String dir = System.getProperty("peregrine.rules.dir");
        if (dir != null) {
            return Path.of(dir);
        }
        return Path.of(System.getProperty("peregrine.root", "."), "..", "shared", "falco-rules").normalize();
    }

    private static void check(List<String> cmd, int status) {
        if (status != 0) {
            throw new IllegalStateException("workload " + cmd + " exited with " + status);
        }
    }
}
