package dev.peregrine.instrument.patch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Recipe settings given as text, as the Terraform {@code external} query and the macro's
 * {@code params} give them. Keys match ignoring case, '_' and '-' ({@code agent_image},
 * {@code AgentImage}, {@code agent-image}); unknown keys are errors.
 */
public enum RecipeSettings {
    AGENT_IMAGE("agent_image", "image of the PeregrineInstrumentation sidecar"),
    ORCHESTRATOR_HOST("orchestrator_host", "host (or URL) of the orchestrator"),
    ORCHESTRATOR_PORT("orchestrator_port", "port of the orchestrator (default 6667)"),
    PRIORITY("priority", "availability | security"),
    LOG_LEVEL("log_level", "PEREGRINE_LOG_LEVEL of the agent"),
    SIDECAR_ESSENTIAL("sidecar_essential", "true | false (default: true exactly when priority is security)"),
    SIDECAR_CPU("sidecar_cpu", "CPU units of the sidecar"),
    SIDECAR_MEMORY("sidecar_memory", "memory limit of the sidecar (MiB)"),
    SIDECAR_MEMORY_RESERVATION("sidecar_memory_reservation", "memory reservation of the sidecar (MiB)"),
    LOG_GROUP("log_group", "CloudWatch log group of the sidecar"),
    LOG_REGION("log_region", "region of the log group"),
    IMAGE_CREDENTIALS_PARAMETER("image_credentials_parameter", "Secrets Manager ARN to pull the agent image"),
    OPT_IN("opt_in", "true: only tasks tagged peregrine-include(-containers)");

    private final String key;
    private final String help;

    RecipeSettings(String key, String help) {
        this.key = key;
        this.help = help;
    }

    public String key() {
        return key;
    }

    public String help() {
        return help;
    }

    static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    public static Optional<RecipeSettings> byKey(String key) {
        String normalized = normalize(key);
        return Arrays.stream(values()).filter(s -> normalize(s.key).equals(normalized)).findFirst();
    }

    /** Settings by key, in the order given; unknown keys are errors unless {@code others} takes them. */
    public static Map<RecipeSettings, String> pick(Map<String, String> given, java.util.Set<String> others) {
        Map<RecipeSettings, String> picked = new LinkedHashMap<>();
        for (var entry : given.entrySet()) {
            Optional<RecipeSettings> setting = byKey(entry.getKey());
            if (setting.isPresent()) {
                picked.put(setting.get(), entry.getValue());
            } else if (!others.contains(entry.getKey())) {
                throw new IllegalArgumentException("unknown setting '" + entry.getKey() + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(RecipeSettings::key).toList()));
            }
        }
        return picked;
    }

    /** The recipe with these settings applied over {@code base} (which may be null when agent_image is given). */
    public static Recipe apply(Recipe base, Map<RecipeSettings, String> settings) {
        String agentImage = base == null ? null : base.agentImage();
        String orchestrator = base == null ? null : base.orchestrator();
        Priority priority = base == null ? null : base.priority();
        String logLevel = base == null ? null : base.logLevel();
        Boolean essential = base == null ? null : base.sidecarEssential();
        Integer cpu = base == null ? null : base.sidecarCpu();
        Integer memory = base == null ? null : base.sidecarMemory();
        Integer reservation = base == null ? null : base.sidecarMemoryReservation();
        String logGroup = base == null ? null : base.logGroup();
        String logRegion = base == null ? null : base.logRegion();
        String credentials = base == null ? null : base.imageCredentialsParameter();
        boolean optIn = base != null && base.optIn();
        String host = settings.get(ORCHESTRATOR_HOST);
        String port = settings.get(ORCHESTRATOR_PORT);
        if (host != null && !host.isBlank()) {
            orchestrator = Recipe.orchestrator(host, port == null || port.isBlank() ? null : integer(ORCHESTRATOR_PORT, port));
        } else if (port != null && !port.isBlank()) {
            throw new IllegalArgumentException(ORCHESTRATOR_PORT.key + " needs " + ORCHESTRATOR_HOST.key);
        }
        for (var entry : settings.entrySet()) {
            String value = entry.getValue();
            if (value == null || value.isBlank()) {
                continue;
            }
            switch (entry.getKey()) {
                case AGENT_IMAGE -> agentImage = value;
                case PRIORITY -> priority = Priority.parse(value);
                case LOG_LEVEL -> logLevel = value;
                case SIDECAR_ESSENTIAL -> essential = bool(SIDECAR_ESSENTIAL, value);
                case SIDECAR_CPU -> cpu = integer(SIDECAR_CPU, value);
                case SIDECAR_MEMORY -> memory = integer(SIDECAR_MEMORY, value);
                case SIDECAR_MEMORY_RESERVATION -> reservation = integer(SIDECAR_MEMORY_RESERVATION, value);
                case LOG_GROUP -> logGroup = value;
                case LOG_REGION -> logRegion = value;
                case IMAGE_CREDENTIALS_PARAMETER -> credentials = value;
                case OPT_IN -> optIn = bool(OPT_IN, value);
                case ORCHESTRATOR_HOST, ORCHESTRATOR_PORT -> {
                }
            }
        }
        if (agentImage == null || agentImage.isBlank()) {
            throw new IllegalArgumentException(AGENT_IMAGE.key + " is required: the image of the " + Recipe.SIDECAR + " sidecar");
        }
        return new Recipe(agentImage, orchestrator, priority, logLevel, essential, cpu, memory, reservation,
                logGroup, logRegion, credentials, optIn);
    }

    private static int integer(RecipeSettings setting, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting.key + " must be a whole number, got '" + value + "'");
        }
    }

    private static boolean bool(RecipeSettings setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(setting.key + " must be true or false, got '" + value + "'");
        };
    }
}
