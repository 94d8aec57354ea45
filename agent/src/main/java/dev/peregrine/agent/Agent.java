package dev.peregrine.agent;

import dev.peregrine.agent.connect.OrchestratorClient;
import dev.peregrine.agent.connect.Outbox;
import dev.peregrine.agent.output.AlertSink;
import dev.peregrine.agent.output.HttpSink;
import dev.peregrine.agent.output.StreamSink;
import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.agent.policy.TrapPlan;
import dev.peregrine.capture.CaptureException;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.Libc;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.RulesFileContent;
import dev.peregrine.rules.condition.EventTypes;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.RulesFile;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workload agent: loads policies, starts the workload under the tracer with the syscalls
 * they need, evaluates, enforces and ships alerts, forwards signals and exits with the
 * workload's status.
 */
public final class Agent {
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());
    /** Exit status when the agent could not start the workload (configuration, rules, policies). */
    public static final int STATUS_CONFIG = 2;
    /** Exit status when the command could not be started. */
    public static final int STATUS_NOT_STARTED = 127;
    /** Exit status when security mode got no policies in time: the workload never started. */
    public static final int STATUS_NO_POLICY = 3;
    static final Duration DRAIN = Duration.ofSeconds(10);
    /** How long a connected agent waits at exit for the orchestrator to acknowledge the last alerts (ECS stops after 30 s). */
    static final Duration DRAIN_CONNECTED = Duration.ofSeconds(20);

    private final AgentConfig config;
    private final Map<String, String> env;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private volatile Supervisor supervisor;
    private final CompletableFuture<Integer> stopBeforeStart = new CompletableFuture<>();

    public Agent(AgentConfig config, Map<String, String> env, PrintStream stdout, PrintStream stderr) {
        this.config = config;
        this.env = env;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs {@code command} to its end; returns the status the agent should exit with. */
    public int run(List<String> command) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        TaskMetadata meta = TaskMetadata.fromEnvironment(env, http);
        Supervisor sup = new Supervisor();
        supervisor = sup;
        return config.connected() ? runConnected(command, meta, sup) : runStandalone(command, meta, http, sup);
    }

    private int runStandalone(List<String> command, TaskMetadata meta, HttpClient http, Supervisor sup)
            throws InterruptedException {
        RuleSet rules;
        try {
            rules = loadRules(config.rules());
        } catch (ConfigException e) {
            stderr.println("peregrine run: " + e.getMessage());
            return STATUS_CONFIG;
        }
        Detector detector = new Detector(rules, Policies.standalone(config.policies()));
        AlertSink sink;
        try {
            sink = openSink(config.output(), http);
        } catch (IOException e) {
            stderr.println("peregrine run: --output: cannot open '" + config.output() + "': " + e.getMessage());
            return STATUS_CONFIG;
        }
        try (sink) {
            Pipeline pipeline = pipeline(meta, sink, sup);
            pipeline.install(detector);
            TrapSet traps = TrapPlan.withDirectoryOpensUntraced(TrapPlan.forEventTypes(detector.eventTypes()),
                    detector.running());
            if (!traps.prefilters().isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, "no running rule can match a directory open: openat with O_DIRECTORY runs untraced");
            }
            return supervise(command, traps, TrapPlan.exitHooked(traps, detector.killingAtExit().eventTypes()),
                    pipeline, sup, sink, null);
        }
    }

    private int runConnected(List<String> command, TaskMetadata meta, Supervisor sup) throws InterruptedException {
        HttpClient http;
        try {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (config.caFile() != null) {
                b.sslContext(dev.peregrine.agent.connect.Tls.trusting(config.caFile()));
            }
            http = b.build();
        } catch (IOException | java.security.GeneralSecurityException e) {
            stderr.println("peregrine run: " + AgentConfig.CA_FILE + ": cannot use '" + config.caFile() + "': " + e.getMessage());
            return STATUS_CONFIG;
        }
        Path spill = config.outboxDir() != null ? config.outboxDir()
                : Path.of(System.getProperty("java.io.tmpdir"), "peregrine-outbox-" + ProcessHandle.current().pid());
        Outbox outbox = new Outbox(config.outboxMaxEvents(), config.outboxMaxBytes(), spill);
        AlertSink local;
        try {
            local = openSink(config.output(), http);
        } catch (IOException e) {
            stderr.println("peregrine run: " + AgentConfig.OUTPUT + ": cannot open '" + config.output() + "': " + e.getMessage());
            return STATUS_CONFIG;
        }
        AlertSink sinks = local == null ? outbox : new TeeSink(outbox, local);
        Pipeline pipeline = pipeline(meta, sinks, sup);
        CompletableFuture<String> firstBundle = new CompletableFuture<>();
        AtomicReference<String> lastProblem = new AtomicReference<>("no answer from the orchestrator");
        AtomicReference<TrapSet> trapped = new AtomicReference<>();
        try (OrchestratorClient client = new OrchestratorClient(config.orchestrator(), config.agentToken(), http,
                OrchestratorClient.hello(version(), meta.helloMetadata()), outbox, bundle -> {
                    try {
                        RuleSet rules = loadRules(bundle);
                        Detector detector = new Detector(rules, Policies.connected(bundle.policies(), meta.workload()));
                        pipeline.install(detector);
                        TrapSet running = trapped.get();
                        List<String> untrapped = running == null ? List.of() : TrapPlan.untrapped(running, detector.eventTypes());
                        if (!untrapped.isEmpty()) {
                            LOG.log(System.Logger.Level.WARNING, "policy bundle {0} has rules on {1}, which this workload"
                                    + " does not trap (a workload keeps the calls it started with): they apply from the"
                                    + " next start", bundle.etag(), String.join(", ", untrapped));
                        }
                        LOG.log(System.Logger.Level.INFO, "policy bundle {0} installed ({1} rules, {2} policies in scope)",
                                bundle.etag(), Integer.toString(rules.rules().size()),
                                Integer.toString(pipeline.detector().policies().policies().size()));
                        firstBundle.complete(bundle.etag());
                    } catch (ConfigException e) {
                        lastProblem.set("bundle " + bundle.etag() + " does not compile: " + e.getMessage());
                        LOG.log(System.Logger.Level.ERROR, "policy bundle {0} rejected, keeping the previous one: {1}",
                                bundle.etag(), e.getMessage());
                    }
                }, lastProblem::set).start()) {
            Duration timeout = config.policyTimeout();
            if (timeout != null && !awaitBundle(CompletableFuture.anyOf(firstBundle, stopBeforeStart), timeout)) {
                if (config.startingPolicy() == StartingPolicy.SECURITY) {
                    stderr.println("peregrine run: no policy bundle from " + config.orchestrator() + " within "
                            + timeout.toSeconds() + " s (" + StartingPolicy.VARIABLE + "=security): the workload was not started. Last problem: "
                            + lastProblem.get());
                    return STATUS_NO_POLICY;
                }
                LOG.log(System.Logger.Level.WARNING, "no policy bundle within {0} s; starting the workload anyway "
                        + "(availability); events are buffered until policies arrive", Long.toString(timeout.toSeconds()));
            }
            if (stopBeforeStart.isDone()) {
                stderr.println("peregrine run: stopped by signal " + stopBeforeStart.join() + " before the workload started");
                return 128 + stopBeforeStart.join();
            }
            Detector known = pipeline.detector();
            TrapSet traps = TrapPlan.connected(known == null ? EventTypes.NONE : known.eventTypes());
            trapped.set(traps);
            int status = supervise(command, traps, TrapPlan.exitHookedAnyway(traps), pipeline, sup, sinks, firstBundle);
            if (local != null) {
                local.close();
            }
            if (pipeline.overflow() > 0) {
                LOG.log(System.Logger.Level.WARNING, "{0} events captured before the policies arrived did not fit the buffer",
                        Long.toString(pipeline.overflow()));
            }
            return status;
        }
    }

    private static boolean awaitBundle(CompletableFuture<?> first, Duration timeout) throws InterruptedException {
        try {
            first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private Pipeline pipeline(TaskMetadata meta, AlertSink sink, Supervisor sup) {
        return new Pipeline(meta.workload(), meta.container(), hostname(env), sink, sup,
                new SelfProtection(Libc.getpid()), config.bufferEvents());
    }

    private int supervise(List<String> command, TrapSet traps, java.util.Set<dev.peregrine.capture.Syscall> exitHooked,
                          Pipeline pipeline, Supervisor sup, AlertSink sink,
                          CompletableFuture<String> policiesArrived) throws InterruptedException {
        LOG.log(System.Logger.Level.DEBUG, "trapping {0} system calls: {1}", Integer.toString(traps.syscalls().size()), traps.syscalls().stream().map(dev.peregrine.capture.Syscall::name).sorted().toList());
        try {
            // The workload is its own job: leader of its own session (no terminal, as in a task) or,
            // under a terminal, of its own process group holding the terminal's foreground.
            sup.start(new LaunchSpec(command, workloadEnv(env), traps, null, null, null, null).withGroup(LaunchSpec.Group.OWN_JOB),
                    pipeline, exitHooked);
        } catch (CaptureException e) {
            stderr.println("peregrine run: " + e.getMessage());
            return STATUS_NOT_STARTED;
        }
        int status = sup.awaitExit(DRAIN);
        // A short workload in availability mode can end before the first bundle: what it did is still
        // evaluated, so wait (bounded) for the policies instead of dropping the buffered events.
        if (policiesArrived != null && pipeline.awaitingPolicies()) {
            LOG.log(System.Logger.Level.INFO, "the workload ended before the policies arrived; waiting up to {0} s for them "
                    + "to evaluate what it did", Long.toString(DRAIN_CONNECTED.toSeconds()));
            if (!awaitBundle(policiesArrived, DRAIN_CONNECTED)) {
                stderr.println("peregrine run: no policy bundle arrived within " + DRAIN_CONNECTED.toSeconds()
                        + " s after the workload ended; events captured before policies were not evaluated");
            }
        }
        if (!sink.drain(config.connected() ? DRAIN_CONNECTED : DRAIN)) {
            stderr.println("peregrine run: some alerts could not be delivered before exit");
        }
        return status;
    }

    static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    static RuleSet loadRules(Bundle bundle) throws ConfigException {
        List<RulesFile> files = new ArrayList<>();
        for (RulesFileContent f : bundle.rulesFiles()) {
            files.add(new RulesFile(f.name(), f.content()));
        }
        return load(files);
    }

    /** Forwards a signal the agent received to the workload's main process. */
    public boolean forward(int signal) {
        Supervisor s = supervisor;
        if (s != null && s.forward(signal)) {
            return true;
        }
        if (signal == 15 || signal == 2 || signal == 1 || signal == 3) {
            // Not started yet (waiting for policies): a stop request ends the wait and the agent.
            stopBeforeStart.complete(signal);
            return true;
        }
        return false;
    }

    static RuleSet loadRules(List<Path> files) throws ConfigException {
        List<RulesFile> loaded = new ArrayList<>();
        for (Path p : files) {
            try {
                loaded.add(new RulesFile(p.toString(), Files.readString(p)));
            } catch (IOException e) {
                throw new ConfigException("rules file '" + p + "' cannot be read: " + e.getMessage());
            }
        }
        return load(loaded);
    }

    private static RuleSet load(List<RulesFile> loaded) throws ConfigException {
        LoadResult r = RuleLoader.load(loaded);
        if (!r.ok()) {
            StringBuilder sb = new StringBuilder("the rules do not load:");
            r.errors().forEach(d -> sb.append("\n  ").append(d));
            throw new ConfigException(sb.toString());
        }
        return r.ruleSet().orElseThrow();
    }

    AlertSink openSink(AgentConfig.Output output, HttpClient http) throws IOException {
        return switch (output) {
            case AgentConfig.Output.None n -> null;
            case AgentConfig.Output.Stdout s -> new StreamSink(stdout);
            case AgentConfig.Output.File f -> StreamSink.appendingTo(f.path());
            case AgentConfig.Output.Http h -> new HttpSink(h.uri(), http);
        };
    }

    /** Alerts to the orchestrator and to a local output; delivered when both are. */
    private record TeeSink(AlertSink first, AlertSink second) implements AlertSink {
        @Override
        public void send(dev.peregrine.protocol.Alert alert) {
            try {
                second.send(alert);
            } finally {
                first.send(alert);
            }
        }

        @Override
        public boolean drain(Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            boolean a = first.drain(timeout);
            return second.drain(Duration.ofNanos(Math.max(0, end - System.nanoTime()))) && a;
        }
    }

    /** The agent's environment without what the workload must not see (the agent token). */
    static Map<String, String> workloadEnv(Map<String, String> env) {
        Map<String, String> out = new HashMap<>(env);
        AgentConfig.SECRET_VARIABLES.forEach(out::remove);
        return out;
    }

    static String hostname(Map<String, String> env) {
        String h = env.get("FALCO_HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
