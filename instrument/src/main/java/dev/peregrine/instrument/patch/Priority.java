package dev.peregrine.instrument.patch;

import java.util.Locale;

/** {@code PEREGRINE_PRIORITY}: whether the workload may run unprotected when the agent cannot. */
public enum Priority {
    AVAILABILITY, SECURITY;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "availability" -> AVAILABILITY;
            case "security" -> SECURITY;
            default -> throw new IllegalArgumentException("priority '" + value + "' is not valid: use availability or security");
        };
    }
}
