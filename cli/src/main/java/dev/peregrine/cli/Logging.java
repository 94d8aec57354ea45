package dev.peregrine.cli;

import java.util.List;
import java.util.Locale;

/**
 * Sets the log level from {@code PEREGRINE_LOG_LEVEL} before the first logger exists: the
 * SLF4J simple backend reads its level once, when it initialises.
 */
final class Logging {
    static final String VARIABLE = "PEREGRINE_LOG_LEVEL";
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    private Logging() {
    }

    /** The level to use for the given variable value; unset means info. */
    static String level(String value) {
        return level(value, "info");
    }

    /** The level to use for the given variable value; unset means {@code fallback}. */
    static String level(String value, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String level = value.trim().toLowerCase(Locale.ROOT);
        if (level.equals("warning")) {
            return "warn";
        }
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException(VARIABLE + "='" + value + "' is not valid: use one of " + String.join(", ", LEVELS));
        }
        return level;
    }

    static void configure(String value) {
        configure(value, "info");
    }

    static void configure(String value, String fallback) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level(value, fallback));
    }
}
