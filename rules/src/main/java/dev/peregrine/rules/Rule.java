package dev.peregrine.rules;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.condition.EventTypes;
import dev.peregrine.rules.eval.Filter;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.output.Alert;
import dev.peregrine.rules.output.OutputFormat;

import java.util.List;

/**
 * One compiled rule. {@code condition} is the final condition in Falco's canonical form
 * (macros and lists expanded, exceptions appended), {@code eventTypes} the types it can match,
 * {@code resolved} the same condition as a tree (what {@code condition} prints; null for rules
 * built without one), for analyses of what a rule can match.
 */
public record Rule(String name, String file, int line, String description, Priority priority, String source,
                   List<String> tags, boolean enabled, String condition, EventTypes eventTypes, String output,
                   OutputFormat outputFormat, Filter filter, Ast resolved) {
    public Rule {
        tags = List.copyOf(tags);
    }

    /** A rule without its condition tree. */
    public Rule(String name, String file, int line, String description, Priority priority, String source,
                List<String> tags, boolean enabled, String condition, EventTypes eventTypes, String output,
                OutputFormat outputFormat, Filter filter) {
        this(name, file, line, description, priority, source, tags, enabled, condition, eventTypes, output,
                outputFormat, filter, null);
    }

    public boolean matches(Event e) {
        return filter.test(e);
    }

    /** The alert for an event this rule matched. */
    public Alert alert(Event e, String hostname) {
        return new Alert(name, priority, source, tags, e.timestampNanos(), outputFormat.render(e), outputFormat.fields(e), hostname);
    }
}
