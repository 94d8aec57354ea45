package dev.peregrine.cli.run;

import dev.peregrine.agent.Agent;
import dev.peregrine.agent.AgentConfig;
import dev.peregrine.agent.ConfigException;
import dev.peregrine.agent.SignalForwarding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code peregrine run}: the workload agent (the container's entrypoint). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a command as a protected workload: trace it, evaluate Falco rules on what it does, "
                + "enforce policy actions and report alerts.",
                "Standalone: --rules FILE... (alerts as Falco JSON lines). Connected: --orchestrator HOST:PORT.",
                "Exits with the command's status (128+signal when it was killed); 2 for bad configuration, "
                        + "127 when the command cannot be started."},
        footerHeading = "%nEnvironment (a flag wins over its variable):%n",
        footer = {
                "  PEREGRINE_RULES             rules files, separated by ':' or ','",
                "  PEREGRINE_OUTPUT            stdout | FILE | http(s)://URL",
                "  PEREGRINE_ORCHESTRATOR      host:port or ws(s)://host:port[/v1/agent]",
                "  PEREGRINE_AGENT_TOKEN       bearer token for the orchestrator (hidden from the workload)",
                "  PEREGRINE_ORCHESTRATOR_CA   PEM file of CA certificates for wss://",
                "  PEREGRINE_PRIORITY          availability (default) | security",
                "  PEREGRINE_POLICY_TIMEOUT_S  seconds to wait for policies before starting",
                "  PEREGRINE_OUTBOX_MAX_EVENTS unacknowledged alerts kept in memory (default 10000)",
                "  PEREGRINE_OUTBOX_MAX_BYTES  size limit of the outbox's overflow files (default 256m)",
                "  PEREGRINE_OUTBOX_DIR        directory of the outbox's overflow files",
                "  ECS_CONTAINER_METADATA_URI_V4  read for cluster, task, container, image, zone",
        })
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--rules", paramLabel = "FILE", arity = "1..*", description = "Falco rules files, in load order (standalone mode).")
    List<Path> rules;

    @Option(names = "--output", paramLabel = "TARGET", description = "Where alerts go: stdout (default), a file (appended), or an http(s):// URL (Falco http_output).")
    String output;

    @Option(names = "--policy-actions", paramLabel = "SPEC", description = "Standalone policy: rule:NAME=ACTIONS or tag:TAG=ACTIONS, ACTIONS from notify, kill_process, kill_task, deny (comma-separated). Repeatable.")
    List<String> policyActions;

    @Option(names = "--orchestrator", paramLabel = "HOST:PORT|URL", description = "Connected mode: the orchestrator's agent endpoint.")
    String orchestrator;

    @Option(names = "--orchestrator-ca", paramLabel = "PEM", description = "CA certificates to trust for wss://.")
    Path caFile;

    @Option(names = "--priority", paramLabel = "availability|security", description = "Starting policy before the first bundle.")
    String priority;

    @Option(names = "--policy-timeout", paramLabel = "SECONDS", description = "How long to wait for policies before starting.")
    String policyTimeout;

    @Option(names = "--buffer-events", paramLabel = "N", description = "Events kept for evaluation until policies arrive (default 10000).")
    Integer bufferEvents;

    @Option(names = "--outbox-max-events", paramLabel = "N", description = "Connected: unacknowledged alerts kept in memory before overflowing to disk (default 10000).")
    String outboxMaxEvents;

    @Option(names = "--outbox-max-bytes", paramLabel = "SIZE", description = "Connected: size limit of the overflow files, e.g. 64m (default 256m); alerts beyond it are dropped and counted.")
    String outboxMaxBytes;

    @Option(names = "--outbox-dir", paramLabel = "DIR", description = "Connected: directory of the overflow files (default: a private one under the temp directory).")
    Path outboxDir;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        AgentConfig config;
        try {
            config = AgentConfig.resolve(new AgentConfig.Flags(rules, output, policyActions, orchestrator, priority,
                    policyTimeout, caFile, bufferEvents, outboxMaxEvents, outboxMaxBytes, outboxDir), System.getenv());
        } catch (ConfigException e) {
            System.err.println("peregrine run: " + e.getMessage());
            return Agent.STATUS_CONFIG;
        }
        Agent agent = new Agent(config, System.getenv(), System.out, System.err);
        SignalForwarding.install(agent);
        return agent.run(command);
    }
}
