package dev.peregrine.rules;

import java.util.Objects;

/**
 * One Falco rules file to load: {@code name} is how diagnostics name the file (a path or an
 * upload name), {@code content} its YAML text.
 */
public record RulesFile(String name, String content) {
    public RulesFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}
