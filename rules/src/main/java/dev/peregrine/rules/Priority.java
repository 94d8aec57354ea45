package dev.peregrine.rules;

import java.util.Locale;
import java.util.Optional;

/**
 * Falco's rule priorities, most severe first. Rules files spell them in any case, and Falco
 * accepts "info" for INFORMATIONAL; alerts print them capitalised ("Warning", "Critical").
 */
public enum Priority {
    EMERGENCY("Emergency"),
    ALERT("Alert"),
    CRITICAL("Critical"),
    ERROR("Error"),
    WARNING("Warning"),
    NOTICE("Notice"),
    INFORMATIONAL("Informational"),
    DEBUG("Debug");

    private final String displayName;

    Priority(String displayName) {
        this.displayName = displayName;
    }

    /** The spelling Falco uses in alerts. */
    public String displayName() {
        return displayName;
    }

    /** True when this priority is at least as severe as {@code minimum}. */
    public boolean atLeast(Priority minimum) {
        return ordinal() <= minimum.ordinal();
    }

    /** Parses a priority as a rules file writes it; empty when the name is not one. */
    public static Optional<Priority> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.equals("INFO")) {
            return Optional.of(INFORMATIONAL);
        }
        for (Priority p : values()) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
