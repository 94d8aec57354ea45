package dev.peregrine.bundle;

import dev.peregrine.agent.Agent;
import dev.peregrine.agent.AgentConfig;
import dev.peregrine.agent.ConfigException;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Java side of {@code /opt/peregrine/bin/instrument}: the agent configured by the
 * {@code PEREGRINE_*} environment only (a patched task has no flags), running the original
 * entrypoint and command given as arguments. Same behaviour and exit statuses as
 * {@code peregrine run -- ORIGINAL...}.
 */
public final class InstrumentMain {
    private InstrumentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = WorkloadEnvironment.restore(System.getenv());
        try {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel(env.get("PEREGRINE_LOG_LEVEL")));
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine instrument: " + e.getMessage());
            System.exit(Agent.STATUS_CONFIG);
        }
        if (args.length == 0) {
            System.err.println("peregrine instrument: no command: the task's original entrypoint and command are the arguments "
                    + "(usage: /opt/peregrine/bin/instrument CMD [ARG...])");
            System.exit(Agent.STATUS_CONFIG);
        }
        AgentConfig config;
        try {
            config = AgentConfig.resolve(new AgentConfig.Flags(null, null, null, null, null, null, null, null), env);
        } catch (ConfigException e) {
            System.err.println("peregrine instrument: " + e.getMessage());
            System.exit(Agent.STATUS_CONFIG);
            return;
        }
        Agent agent = new Agent(config, env, System.out, System.err);
        dev.peregrine.agent.SignalForwarding.install(agent);
        System.exit(agent.run(List.of(args)));
    }

    // The levels of the peregrine command's PEREGRINE_LOG_LEVEL; unset means info.
    static String logLevel(String value) {
        if (value == null || value.isBlank()) {
            return "info";
        }
        String level = value.trim().toLowerCase(Locale.ROOT);
        if (level.equals("warning")) {
            return "warn";
        }
        List<String> levels = List.of("trace", "debug", "info", "warn", "error", "off");
        if (!levels.contains(level)) {
            throw new IllegalArgumentException("PEREGRINE_LOG_LEVEL='" + value + "' is not valid: use one of " + String.join(", ", levels));
        }
        return level;
    }
}
