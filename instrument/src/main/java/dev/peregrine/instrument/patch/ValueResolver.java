package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns a template value (literal or intrinsic function) into text where that can be known. */
@FunctionalInterface
public interface ValueResolver {
    Resolved resolve(JsonNode value);

    sealed interface Resolved {
    }

    record Known(String value) implements Resolved {
    }

    /** {@code reason} says what is missing, for the user to supply. */
    record Unknown(String reason) implements Resolved {
    }

    /** Literal strings (and numbers) only: task-definition JSON has no functions. */
    static ValueResolver literal() {
        return value -> {
            if (value != null && (value.isTextual() || value.isNumber())) {
                return new Known(value.asText());
            }
            return new Unknown(value == null ? "no value" : "not a literal string: " + value);
        };
    }
}
