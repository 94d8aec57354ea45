package dev.peregrine.agent;

import java.util.Locale;

/**
 * What the agent does while it has no policies yet ({@code PEREGRINE_PRIORITY}).
 * Availability starts the workload at once and evaluates buffered events later; security
 * holds the workload back until a policy bundle is compiled.
 */
public enum StartingPolicy {
    AVAILABILITY,
    SECURITY;

    public static final String VARIABLE = "PEREGRINE_PRIORITY";

    /** Parses the variable's value; unset or blank means the default, availability. */
    public static StartingPolicy fromEnvironment(String value) {
        if (value == null || value.isBlank()) {
            return AVAILABILITY;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + "='" + value + "' is not valid: use 'availability' or 'security'");
        }
    }
}
