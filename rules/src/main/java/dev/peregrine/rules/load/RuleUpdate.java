package dev.peregrine.rules.load;

import dev.peregrine.rules.Priority;

import java.util.List;
import java.util.Set;

/** The keys of one append or replace of an existing rule; null means "not given". */
final class RuleUpdate {
    final String name;
    final Pos pos;
    String source;
    String condition;
    Pos conditionPos;
    String output;
    Pos outputPos;
    String desc;
    Priority priority;
    Set<String> tags;
    List<ExceptionInfo> exceptions;
    Boolean enabled;
    Boolean warnEvttypes;
    Boolean skipIfUnknownFilter;
    Boolean capture;
    Long captureDuration;

    RuleUpdate(String name, Pos pos) {
        this.name = name;
        this.pos = pos;
    }

    boolean hasAnyValue() {
        return condition != null || output != null || desc != null || tags != null || exceptions != null;
    }
}
