package dev.peregrine.rules;

import java.util.List;

/** One loaded rule. */
public record Rule(String name, String file, String description, Priority priority, String source, List<String> tags, boolean enabled) {
}
