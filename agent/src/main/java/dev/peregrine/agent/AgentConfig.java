package dev.peregrine.agent;

import dev.peregrine.capture.CpuPinning;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration, from flags and the environment (ARCHITECTURE §6); a flag wins
 * over its variable. {@link #resolve} checks every value and fails with a message naming the
 * variable (or flag) and what it accepts.
 *
 * @param rules          standalone rules files, in load order (empty in connected mode)
 * @param output         where alerts go in standalone mode
 * @param policies       standalone policies from {@code --policy-actions}
 * @param orchestrator   the orchestrator's WebSocket URI, null in standalone mode
 * @param agentToken     bearer token for the orchestrator, or null
 * @param caFile         PEM file with the CA certificates to trust for {@code wss://}, or null
 * @param startingPolicy what happens before the first bundle
 * @param policyTimeout  how long to wait for policies before starting (null: availability starts at once)
 * @param bufferEvents   events kept for evaluation while no bundle is compiled
 * @param outboxMaxEvents unacknowledged alerts kept in memory before overflowing to disk
 * @param outboxMaxBytes  size limit of the outbox's overflow files; alerts beyond it are dropped and counted
 * @param outboxDir       directory for the outbox overflow, null for a private temp directory
 */
public record AgentConfig(List<Path> rules, Output output, List<Policy> policies, URI orchestrator, String agentToken,
                          Path caFile, StartingPolicy startingPolicy, Duration policyTimeout, int bufferEvents,
                          int outboxMaxEvents, long outboxMaxBytes, Path outboxDir) {
    public static final String ORCHESTRATOR = "PEREGRINE_ORCHESTRATOR";
    public static final String AGENT_TOKEN = "PEREGRINE_AGENT_TOKEN";
    public static final String POLICY_TIMEOUT = "PEREGRINE_POLICY_TIMEOUT_S";
    public static final String RULES = "PEREGRINE_RULES";
    public static final String OUTPUT = "PEREGRINE_OUTPUT";
    public static final String CA_FILE = "PEREGRINE_ORCHESTRATOR_CA";
    public static final String OUTBOX_MAX_EVENTS = "PEREGRINE_OUTBOX_MAX_EVENTS";
    public static final String OUTBOX_MAX_BYTES = "PEREGRINE_OUTBOX_MAX_BYTES";
    public static final String OUTBOX_DIR = "PEREGRINE_OUTBOX_DIR";
    /** Variables the workload must not inherit. */
    public static final List<String> SECRET_VARIABLES = List.of(AGENT_TOKEN);
    public static final int DEFAULT_BUFFER_EVENTS = 10_000;
    public static final int DEFAULT_OUTBOX_MAX_EVENTS = 10_000;
    public static final int MAX_OUTBOX_MAX_EVENTS = 1_000_000;
    public static final long DEFAULT_OUTBOX_MAX_BYTES = 256L << 20;
    public static final Duration SECURITY_DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public AgentConfig {
        rules = List.copyOf(rules);
        policies = List.copyOf(policies);
    }

    public boolean connected() {
        return orchestrator != null;
    }

    /** Where standalone alerts go. */
    public sealed interface Output {
        /** No local output (connected mode without PEREGRINE_OUTPUT: alerts go to the orchestrator only). */
        record None() implements Output {
        }

        record Stdout() implements Output {
        }

        record File(Path path) implements Output {
        }

        record Http(URI uri) implements Output {
        }

        static Output parse(String text, String source) throws ConfigException {
            if (text == null || text.isBlank() || text.equals("stdout") || text.equals("-")) {
                return new Stdout();
            }
            if (text.startsWith("http://") || text.startsWith("https://")) {
                try {
                    URI u = new URI(text);
                    if (u.getHost() == null) {
                        throw new URISyntaxException(text, "no host");
                    }
                    return new Http(u);
                } catch (URISyntaxException e) {
                    throw new ConfigException(source + "='" + text + "' is not a valid URL: " + e.getMessage());
                }
            }
            if (text.contains("://")) {
                throw new ConfigException(source + "='" + text + "' is not valid: use stdout, a file path, or an http(s):// URL");
            }
            return new File(Path.of(text));
        }
    }

    /** Flags of {@code peregrine run}; null or empty when not given. */
    public record Flags(List<Path> rules, String output, List<String> policyActions, String orchestrator,
                        String priority, String policyTimeoutSeconds, Path caFile, Integer bufferEvents,
                        String outboxMaxEvents, String outboxMaxBytes, Path outboxDir) {
        /** Without the outbox flags. */
        public Flags(List<Path> rules, String output, List<String> policyActions, String orchestrator,
                     String priority, String policyTimeoutSeconds, Path caFile, Integer bufferEvents) {
            this(rules, output, policyActions, orchestrator, priority, policyTimeoutSeconds, caFile, bufferEvents,
                    null, null, null);
        }
    }

    public static AgentConfig resolve(Flags flags, Map<String, String> env) throws ConfigException {
        List<Path> rules = new ArrayList<>(flags.rules() == null ? List.of() : flags.rules());
        String rulesSource = "--rules";
        if (rules.isEmpty() && notBlank(env.get(RULES))) {
            rulesSource = RULES;
            for (String part : env.get(RULES).split("[:,]")) {
                if (!part.isBlank()) {
                    rules.add(Path.of(part.strip()));
                }
            }
        }
        for (Path p : rules) {
            if (!Files.isReadable(p)) {
                throw new ConfigException(rulesSource + ": rules file '" + p + "' does not exist or cannot be read");
            }
        }
        Output output = flags.output() != null ? Output.parse(flags.output(), "--output")
                : Output.parse(env.get(OUTPUT), OUTPUT);
        boolean outputGiven = flags.output() != null || notBlank(env.get(OUTPUT));

        String orchText = flags.orchestrator() != null ? flags.orchestrator() : env.get(ORCHESTRATOR);
        URI orchestrator = notBlank(orchText) ? orchestratorUri(orchText.strip(),
                flags.orchestrator() != null ? "--orchestrator" : ORCHESTRATOR) : null;
        if (orchestrator == null && rules.isEmpty()) {
            throw new ConfigException("no policies: give rules files (--rules FILE or " + RULES
                    + ") for standalone mode, or an orchestrator (--orchestrator or " + ORCHESTRATOR + ")");
        }
        if (orchestrator != null && !rules.isEmpty()) {
            throw new ConfigException("give either rules files (standalone) or an orchestrator (connected), not both");
        }
        if (orchestrator != null && !outputGiven) {
            output = new Output.None();
        }
        String token = env.get(AGENT_TOKEN);
        Path ca = flags.caFile() != null ? flags.caFile() : notBlank(env.get(CA_FILE)) ? Path.of(env.get(CA_FILE)) : null;
        if (ca != null && !Files.isReadable(ca)) {
            throw new ConfigException((flags.caFile() != null ? "--orchestrator-ca" : CA_FILE) + ": '" + ca
                    + "' does not exist or cannot be read; expected a PEM file of CA certificates");
        }

        StartingPolicy starting;
        String prioText = flags.priority() != null ? flags.priority() : env.get(StartingPolicy.VARIABLE);
        try {
            starting = StartingPolicy.fromEnvironment(prioText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(flags.priority() != null
                    ? "--priority '" + flags.priority() + "' is not valid: use 'availability' or 'security'" : e.getMessage());
        }
        String timeoutText = flags.policyTimeoutSeconds() != null ? flags.policyTimeoutSeconds() : env.get(POLICY_TIMEOUT);
        String timeoutSource = flags.policyTimeoutSeconds() != null ? "--policy-timeout" : POLICY_TIMEOUT;
        Duration timeout = null;
        if (notBlank(timeoutText)) {
            timeout = Duration.ofSeconds(wholeNumber(timeoutText, timeoutSource, 0, 86_400, "whole seconds from 0 to 86400"));
        } else if (starting == StartingPolicy.SECURITY) {
            timeout = SECURITY_DEFAULT_TIMEOUT;
        }
        int buffer = flags.bufferEvents() != null ? flags.bufferEvents() : DEFAULT_BUFFER_EVENTS;
        if (buffer < 0) {
            throw new ConfigException("--buffer-events must be >= 0, was " + buffer);
        }
        List<Policy> policies = new ArrayList<>();
        for (String spec : flags.policyActions() == null ? List.<String>of() : flags.policyActions()) {
            policies.add(policyAction(spec, policies.size() + 1));
        }
        if (orchestrator != null && !policies.isEmpty()) {
            throw new ConfigException("--policy-actions applies to standalone mode; in connected mode policies come from the orchestrator");
        }
        boolean eventsFlag = flags.outboxMaxEvents() != null;
        String eventsText = eventsFlag ? flags.outboxMaxEvents() : env.get(OUTBOX_MAX_EVENTS);
        int outboxEvents = DEFAULT_OUTBOX_MAX_EVENTS;
        if (notBlank(eventsText) || eventsFlag) {
            outboxEvents = (int) wholeNumber(eventsText, eventsFlag ? "--outbox-max-events" : OUTBOX_MAX_EVENTS, 1,
                    MAX_OUTBOX_MAX_EVENTS, "a whole number of alerts from 1 to " + MAX_OUTBOX_MAX_EVENTS);
        }
        boolean bytesFlag = flags.outboxMaxBytes() != null;
        String bytesText = bytesFlag ? flags.outboxMaxBytes() : env.get(OUTBOX_MAX_BYTES);
        long outboxBytes = notBlank(bytesText) || bytesFlag
                ? byteSize(bytesText, bytesFlag ? "--outbox-max-bytes" : OUTBOX_MAX_BYTES) : DEFAULT_OUTBOX_MAX_BYTES;
        Path outboxDir = flags.outboxDir() != null ? flags.outboxDir()
                : notBlank(env.get(OUTBOX_DIR)) ? Path.of(env.get(OUTBOX_DIR).strip()) : null;
        if (outboxDir != null && Files.exists(outboxDir) && !(Files.isDirectory(outboxDir) && Files.isWritable(outboxDir))) {
            throw new ConfigException((flags.outboxDir() != null ? "--outbox-dir" : OUTBOX_DIR) + "='" + outboxDir
                    + "' is not valid: expected a writable directory (created when missing)");
        }
        try {
            // read again by capture when the workload starts; a typo must stop the agent here, with the others
            CpuPinning.parse(env.get(CpuPinning.ENV));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CpuPinning.ENV + "='" + env.get(CpuPinning.ENV) + "' is not valid: use off, on or auto");
        }
        return new AgentConfig(rules, output, policies, orchestrator, notBlank(token) ? token : null, ca, starting,
                timeout, buffer, outboxEvents, outboxBytes, outboxDir);
    }

    public AgentConfig withOutbox(int maxEvents, Path dir) {
        return withOutbox(maxEvents, outboxMaxBytes, dir);
    }

    public AgentConfig withOutbox(int maxEvents, long maxBytes, Path dir) {
        return new AgentConfig(rules, output, policies, orchestrator, agentToken, caFile, startingPolicy, policyTimeout,
                bufferEvents, maxEvents, maxBytes, dir);
    }

    private static long wholeNumber(String text, String source, long min, long max, String expected) throws ConfigException {
        try {
            long n = Long.parseLong(text == null ? "" : text.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(source + "='" + text + "' is not valid: use " + expected);
        }
    }

    /** Bytes, optionally with a binary suffix: {@code 1048576}, {@code 512k}, {@code 64m}, {@code 2g} (0: no overflow files). */
    static long byteSize(String text, String source) throws ConfigException {
        String expected = "a size in bytes from 0 to 1t, optionally with a suffix k, m, g or t (powers of 1024), e.g. 64m";
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ib") || t.endsWith("b")) {
            t = t.substring(0, t.length() - (t.endsWith("ib") ? 2 : 1));
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> {
                }
            }
        }
        if (shift > 0) {
            t = t.substring(0, t.length() - 1).strip();
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0 || n > 1L << (40 - shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new ConfigException(source + "='" + text + "' is not valid: use " + expected);
        }
    }

    /** {@code host:port}, {@code ws://...} or {@code wss://...}; the path defaults to {@code /v1/agent}. */
    static URI orchestratorUri(String text, String source) throws ConfigException {
        String t = text.contains("://") ? text : "ws://" + text;
        try {
            URI u = new URI(t);
            if (!u.getScheme().equals("ws") && !u.getScheme().equals("wss")) {
                throw new ConfigException(source + "='" + text + "' is not valid: use host:port, ws://host:port or wss://host:port");
            }
            if (u.getHost() == null) {
                throw new URISyntaxException(t, "no host");
            }
            int port = u.getPort() > 0 ? u.getPort() : 6667;
            String path = u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") ? "/v1/agent" : u.getPath();
            return new URI(u.getScheme(), null, u.getHost(), port, path, null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException(source + "='" + text + "' is not valid (" + e.getMessage()
                    + "): use host:port, ws://host:port or wss://host:port");
        }
    }

    /**
     * {@code SELECTOR=ACTION[,ACTION...]}, SELECTOR being {@code rule:NAME} or {@code tag:TAG};
     * actions notify, kill_process, kill_task, deny.
     */
    static Policy policyAction(String spec, int n) throws ConfigException {
        String usage = "--policy-actions '" + spec + "' is not valid: use rule:NAME=ACTIONS or tag:TAG=ACTIONS, "
                + "ACTIONS a comma-separated list of notify, kill_process, kill_task, deny";
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new ConfigException(usage);
        }
        String selector = spec.substring(0, eq).strip();
        List<Action> actions = new ArrayList<>();
        for (String a : spec.substring(eq + 1).split(",")) {
            try {
                actions.add(Action.parse(a.strip()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(usage + " (" + e.getMessage() + ")");
            }
        }
        String name = "cli-" + n;
        if (selector.startsWith("rule:") && selector.length() > 5) {
            return new Policy(name, true, List.of(selector.substring(5)), null, null, actions, null);
        }
        if (selector.startsWith("tag:") && selector.length() > 4) {
            return new Policy(name, true, null, List.of(selector.substring(4)), null, actions, null);
        }
        throw new ConfigException(usage);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
