package dev.peregrine.instrument.patch;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The value of the {@code peregrine-include-containers} and {@code peregrine-ignore-containers}
 * task tags: container names separated by ':'. ECS container names allow letters, digits,
 * hyphens and underscores, so anything else is an error naming the tag and the bad name.
 */
public record ContainerNames(Set<String> names) {
    private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    public ContainerNames {
        names = Set.copyOf(names);
    }

    public static ContainerNames parse(String tag, String value) {
        Set<String> names = new LinkedHashSet<>();
        for (String part : value.split(":", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!ECS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("tag " + tag + ": '" + name
                        + "' is not a container name (letters, digits, '-' and '_', separated by ':')");
            }
            names.add(name);
        }
        return new ContainerNames(names);
    }

    public boolean contains(String container) {
        return names.contains(container);
    }
}
