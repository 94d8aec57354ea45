package dev.peregrine.rules.eval;

import dev.peregrine.rules.event.Event;

/** A compiled condition: decides one event. */
@FunctionalInterface
public interface Filter {
    boolean test(Event e);
}
