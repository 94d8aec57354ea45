package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Falco's priorities, most severe first. On the wire a policy's {@code min_priority} is the
 * lower-case name; parsing accepts any case and Falco's alias {@code info}.
 */
public enum Priority {
    EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG;

    /** Whether this priority is at least as severe as {@code threshold}. */
    public boolean atLeast(Priority threshold) {
        return ordinal() <= threshold.ordinal();
    }

    /** The name Falco prints in alerts, e.g. {@code Critical}. */
    public String falcoName() {
        String lower = name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Priority parse(String text) {
        if (text != null) {
            String upper = text.trim().toUpperCase(Locale.ROOT);
            if (upper.equals("INFO")) {
                return INFORMATIONAL;
            }
            for (Priority p : values()) {
                if (p.name().equals(upper)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown priority '" + text + "', expected one of "
                + Arrays.stream(values()).map(Priority::wireName).collect(Collectors.joining(", ")));
    }
}
