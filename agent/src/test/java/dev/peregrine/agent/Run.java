package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.protocol.ProtocolJson;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the agent in this JVM on a real command and collects what it printed. */
final class Run {
    /** Upstream falco_rules.yaml, from {@code peregrine.rules.dir} (the build sets it to ../shared/falco-rules). */
    static final Path UPSTREAM = Path.of(System.getProperty("peregrine.rules.dir", "../../shared/falco-rules")).normalize().resolve("falco_rules.yaml");

    final int status;
    final List<JsonNode> alerts;
    final String stderr;

    private Run(int status, List<JsonNode> alerts, String stderr) {
        this.status = status;
        this.alerts = alerts;
        this.stderr = stderr;
    }

    static Path upstreamRules() {
        return UPSTREAM;
    }

    static Run standaloneTo(List<Path> rules, String output, String... command) throws Exception {
        return run(rules, output, List.of(), Map.of(), command);
    }

    static Run standalone(List<Path> rules, List<String> policyActions, Map<String, String> extraEnv, String... command)
            throws Exception {
        return run(rules, "stdout", policyActions, extraEnv, command);
    }

    private static Run run(List<Path> rules, String output, List<String> policyActions, Map<String, String> extraEnv,
                           String... command) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        AgentConfig config = AgentConfig.resolve(new AgentConfig.Flags(rules, output, policyActions, null, null, null,
                null, null), env);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Agent agent = new Agent(config, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int status = agent.run(List.of(command));
        return new Run(status, parse(out.toString(StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    }

    static List<JsonNode> parse(String lines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                out.add(ProtocolJson.mapper().readTree(line));
            }
        }
        return out;
    }

    List<JsonNode> alerts(String rule) {
        return alerts.stream().filter(a -> a.path("rule").asText().equals(rule)).toList();
    }

    List<String> actions(JsonNode alert) {
        List<String> out = new ArrayList<>();
        alert.path("actions").forEach(n -> out.add(n.asText()));
        return out;
    }
}
