package dev.peregrine.rules.field;

import dev.peregrine.rules.event.Event;

import java.util.List;

/**
 * Reads one field's value from an event. The shapes are separate so numbers never box:
 * a missing number is {@link #MISSING}, a missing reference is null.
 */
public sealed interface Extractor permits Extractor.Str, Extractor.Num, Extractor.AnyStr, Extractor.AnyNum, Extractor.Bytes, Extractor.Raw {
    /** The sentinel for "no value" of numeric fields; no field produces it as a real value. */
    long MISSING = Long.MIN_VALUE;

    @FunctionalInterface
    non-sealed interface Str extends Extractor {
        String get(Event e);
    }

    @FunctionalInterface
    non-sealed interface Num extends Extractor {
        long get(Event e);
    }

    /** Several candidate values; a comparison holds when it holds for any (proc.aname, fd.ip). */
    @FunctionalInterface
    non-sealed interface AnyStr extends Extractor {
        List<String> get(Event e);
    }

    @FunctionalInterface
    non-sealed interface AnyNum extends Extractor {
        long[] get(Event e);
    }

    @FunctionalInterface
    non-sealed interface Bytes extends Extractor {
        byte[] get(Event e);
    }

    /** A raw parameter whose type is known only per event: Long, String or byte[]. */
    @FunctionalInterface
    non-sealed interface Raw extends Extractor {
        Object get(Event e);
    }
}
