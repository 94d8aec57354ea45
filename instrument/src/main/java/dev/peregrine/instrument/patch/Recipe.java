package dev.peregrine.instrument.patch;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The settings of the patch (ARCHITECTURE §7). Optional values are null when not set.
 *
 * @param agentImage                the image of the {@value #SIDECAR} sidecar (the agent bundle)
 * @param orchestrator              {@code host:port} or URL for {@code PEREGRINE_ORCHESTRATOR}; null for standalone agents
 * @param priority                  {@code PEREGRINE_PRIORITY}
 * @param logLevel                  {@code PEREGRINE_LOG_LEVEL}
 * @param sidecarEssential          null: essential exactly when priority is security
 * @param sidecarCpu                sidecar CPU units
 * @param sidecarMemory             sidecar hard memory limit (MiB)
 * @param sidecarMemoryReservation  sidecar soft memory limit (MiB)
 * @param logGroup                  CloudWatch log group of the sidecar (awslogs driver)
 * @param logRegion                 region of that log group; null: the stack's region in CloudFormation
 * @param imageCredentialsParameter Secrets Manager ARN for pulling the agent image
 * @param optIn                     patch only tasks tagged {@code peregrine-include(-containers)}
 */
public record Recipe(String agentImage, String orchestrator, Priority priority, String logLevel,
                     Boolean sidecarEssential, Integer sidecarCpu, Integer sidecarMemory,
                     Integer sidecarMemoryReservation, String logGroup, String logRegion,
                     String imageCredentialsParameter, boolean optIn) {
    /** The agent's launcher inside the bundle that the sidecar shares. */
    public static final String INSTRUMENT = "/opt/peregrine/bin/instrument";
    /** Name of the sidecar that carries the bundle. */
    public static final String SIDECAR = "PeregrineInstrumentation";
    public static final String CAPABILITY = "SYS_PTRACE";
    public static final int DEFAULT_ORCHESTRATOR_PORT = 6667;

    public Recipe {
        Objects.requireNonNull(agentImage, "agentImage");
        if (agentImage.isBlank()) {
            throw new IllegalArgumentException("the agent image must not be empty");
        }
        priority = priority == null ? Priority.AVAILABILITY : priority;
        if (orchestrator != null && orchestrator.isBlank()) {
            orchestrator = null;
        }
        requirePositive("sidecar CPU", sidecarCpu);
        requirePositive("sidecar memory", sidecarMemory);
        requirePositive("sidecar memory reservation", sidecarMemoryReservation);
    }

    public static Recipe of(String agentImage) {
        return new Recipe(agentImage, null, null, null, null, null, null, null, null, null, null, false);
    }

    /** {@code host} alone gets the default port {@value #DEFAULT_ORCHESTRATOR_PORT}. */
    public static String orchestrator(String host, Integer port) {
        if (host == null || host.isBlank()) {
            return null;
        }
        if (host.contains("://") || (port == null && host.matches(".*:\\d+"))) {
            return host;
        }
        return host + ":" + (port == null ? DEFAULT_ORCHESTRATOR_PORT : port);
    }

    public boolean essential() {
        return sidecarEssential != null ? sidecarEssential : priority == Priority.SECURITY;
    }

    /** The {@code PEREGRINE_*} variables every instrumented container gets, by name. */
    public Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        if (orchestrator != null) {
            env.put("PEREGRINE_ORCHESTRATOR", orchestrator);
        }
        env.put("PEREGRINE_PRIORITY", priority.value());
        if (logLevel != null && !logLevel.isBlank()) {
            env.put("PEREGRINE_LOG_LEVEL", logLevel);
        }
        return env;
    }

    public Recipe withOptIn(boolean optIn) {
        return new Recipe(agentImage, orchestrator, priority, logLevel, sidecarEssential, sidecarCpu, sidecarMemory,
                sidecarMemoryReservation, logGroup, logRegion, imageCredentialsParameter, optIn);
    }

    private static void requirePositive(String what, Integer value) {
        if (value != null && value <= 0) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + value);
        }
    }
}
