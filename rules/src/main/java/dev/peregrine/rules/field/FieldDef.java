package dev.peregrine.rules.field;

import java.util.function.Function;

/**
 * One row of the field table: its name, type, description, whether it takes an argument
 * ({@code proc.aname[2]}, {@code proc.env[HOME]}), and how to bind an extractor for an argument
 * (null when none was written).
 */
public record FieldDef(String name, FieldType type, String description, Arg arg, Function<String, Extractor> binder) {
    public enum Arg { NONE, OPTIONAL, REQUIRED }

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
