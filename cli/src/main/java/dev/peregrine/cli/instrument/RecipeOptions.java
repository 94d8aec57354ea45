package dev.peregrine.cli.instrument;

import dev.peregrine.instrument.patch.RecipeSettings;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** The recipe settings as command-line options; each maps to one {@link RecipeSettings}. */
final class RecipeOptions {
    @Option(names = "--agent-image", paramLabel = "IMAGE", description = "Image of the PeregrineInstrumentation sidecar (the agent bundle).")
    String agentImage;

    @Option(names = "--orchestrator-host", paramLabel = "HOST", description = "Orchestrator host (or URL) for PEREGRINE_ORCHESTRATOR; none: standalone agents.")
    String orchestratorHost;

    @Option(names = "--orchestrator-port", paramLabel = "PORT", description = "Orchestrator port (default 6667).")
    String orchestratorPort;

    @Option(names = "--priority", paramLabel = "availability|security", description = "PEREGRINE_PRIORITY (default availability).")
    String priority;

    @Option(names = "--agent-log-level", paramLabel = "LEVEL", description = "PEREGRINE_LOG_LEVEL of the agents.")
    String logLevel;

    @Option(names = "--sidecar-essential", paramLabel = "true|false", description = "Default: essential exactly when the priority is security.")
    String sidecarEssential;

    @Option(names = "--sidecar-cpu", paramLabel = "UNITS", description = "CPU units of the sidecar.")
    String sidecarCpu;

    @Option(names = "--sidecar-memory", paramLabel = "MIB", description = "Memory limit of the sidecar.")
    String sidecarMemory;

    @Option(names = "--sidecar-memory-reservation", paramLabel = "MIB", description = "Memory reservation of the sidecar.")
    String sidecarMemoryReservation;

    @Option(names = "--log-group", paramLabel = "GROUP", description = "CloudWatch log group of the sidecar (awslogs).")
    String logGroup;

    @Option(names = "--log-region", paramLabel = "REGION", description = "Region of the log group (CloudFormation default: the stack's region).")
    String logRegion;

    @Option(names = "--image-credentials-parameter", paramLabel = "ARN", description = "Secrets Manager secret to pull the agent image (RepositoryCredentials).")
    String imageCredentialsParameter;

    @Option(names = "--opt-in", description = "Only instrument tasks tagged peregrine-include or peregrine-include-containers.")
    boolean optIn;

    Map<RecipeSettings, String> settings() {
        Map<RecipeSettings, String> settings = new LinkedHashMap<>();
        put(settings, RecipeSettings.AGENT_IMAGE, agentImage);
        put(settings, RecipeSettings.ORCHESTRATOR_HOST, orchestratorHost);
        put(settings, RecipeSettings.ORCHESTRATOR_PORT, orchestratorPort);
        put(settings, RecipeSettings.PRIORITY, priority);
        put(settings, RecipeSettings.LOG_LEVEL, logLevel);
        put(settings, RecipeSettings.SIDECAR_ESSENTIAL, sidecarEssential);
        put(settings, RecipeSettings.SIDECAR_CPU, sidecarCpu);
        put(settings, RecipeSettings.SIDECAR_MEMORY, sidecarMemory);
        put(settings, RecipeSettings.SIDECAR_MEMORY_RESERVATION, sidecarMemoryReservation);
        put(settings, RecipeSettings.LOG_GROUP, logGroup);
        put(settings, RecipeSettings.LOG_REGION, logRegion);
        put(settings, RecipeSettings.IMAGE_CREDENTIALS_PARAMETER, imageCredentialsParameter);
        if (optIn) {
            settings.put(RecipeSettings.OPT_IN, "true");
        }
        return settings;
    }

    private static void put(Map<RecipeSettings, String> settings, RecipeSettings key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}
