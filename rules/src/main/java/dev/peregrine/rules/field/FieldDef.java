package dev.peregrine.rules.field;

import java.util.function.Function;

/**
 * One row of the field table: its name, type, description, whether it takes an argument
 * ({@code proc.aname[2]}, {@code proc.env[HOME]}), how to bind an extractor for an argument
 * (null when none was written), and when during a call its value is final.
 */
public record FieldDef(String name, FieldType type, String description, Arg arg, Function<String, Extractor> binder,
                       Phase phase) {
    public enum Arg { NONE, OPTIONAL, REQUIRED }

    /**
     * When a field's value is known for good. Rules run on a call's exit event; a call stopped at
     * its entry can skip its exit stop when no rule could match whatever the call returns, which
     * needs to know which fields the entry already decides.
     */
    public enum Phase {
        /** Decided before the call runs: the process, user, container, event type and arguments. */
        ENTRY,
        /**
         * The call's descriptor ({@code fd.*}): known at entry only for a call that names it by
         * path (an open), and then exactly as the exit event names it, except its number.
         */
        DESCRIPTOR,
        /** Decided by the call or its exit: the result, the created descriptor's number, the event number. */
        RESULT
    }

    public Extractor bind(String argument) {
        if (argument == null && arg == Arg.REQUIRED) {
            throw new FieldException("field '" + name + "' requires an argument");
        }
        if (argument != null && arg == Arg.NONE) {
            throw new FieldException("field '" + name + "' does not accept an argument");
        }
        return binder.apply(argument);
    }
}
