package dev.peregrine.agent;

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
    static final Duration DRAIN = Duration.ofSeconds(10);

    private final AgentConfig config;
    private final Map<String, String> env;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private volatile Supervisor supervisor;

    public Agent(AgentConfig config, Map<String, String> env, PrintStream stdout, PrintStream stderr) {
        this.config = config;
        this.env = env;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs {@code command} to its end; returns the status the agent should exit with. */
    public int run(List<String> command) throws InterruptedException {
        if (config.connected()) {
            stderr.println("peregrine run: connected mode is not available in this build; use --rules");
            return STATUS_CONFIG;
        }
        RuleSet rules;
        try {
            rules = loadRules(config.rules());
        } catch (ConfigException e) {
            stderr.println("peregrine run: " + e.getMessage());
            return STATUS_CONFIG;
        }
        Detector detector = new Detector(rules, Policies.standalone(config.policies()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        TaskMetadata meta = TaskMetadata.fromEnvironment(env, http);
        AlertSink sink;
        try {
            sink = openSink(config.output(), http);
        } catch (IOException e) {
            stderr.println("peregrine run: --output: cannot open '" + config.output() + "': " + e.getMessage());
            return STATUS_CONFIG;
        }
        try (sink) {
            Supervisor sup = new Supervisor();
            supervisor = sup;
            Pipeline pipeline = new Pipeline(meta.workload(), meta.container(), hostname(env), sink, sup,
                    new SelfProtection(Libc.getpid()), config.bufferEvents());
            pipeline.install(detector);
            TrapSet traps = TrapPlan.forEventTypes(detector.eventTypes());
            LOG.log(System.Logger.Level.DEBUG, "trapping {0} system calls: {1}", traps.syscalls().size(), traps.syscalls());
            try {
                sup.start(new LaunchSpec(command, workloadEnv(env), traps, null, null, null, null), pipeline);
            } catch (CaptureException e) {
                stderr.println("peregrine run: " + e.getMessage());
                return STATUS_NOT_STARTED;
            }
            int status = sup.awaitExit(DRAIN);
            if (!sink.drain(DRAIN)) {
                stderr.println("peregrine run: some alerts could not be delivered before exit");
            }
            return status;
        }
    }

    /** Forwards a signal the agent received to the workload's main process. */
    public boolean forward(int signal) {
        Supervisor s = supervisor;
        return s != null && s.forward(signal);
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
            case AgentConfig.Output.Stdout s -> new StreamSink(stdout);
            case AgentConfig.Output.File f -> StreamSink.appendingTo(f.path());
            case AgentConfig.Output.Http h -> new HttpSink(h.uri(), http);
        };
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
