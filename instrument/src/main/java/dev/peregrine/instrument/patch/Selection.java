package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which task and which of its containers to instrument, from the task's tags.
 * <ul>
 *   <li>{@code peregrine-ignore} (any value): the task is left alone, in both modes;</li>
 *   <li>{@code peregrine-include} (any value): in opt-in mode, every container of the task;</li>
 *   <li>{@code peregrine-include-containers: a:b}: only these containers (and, in opt-in mode,
 *       the task is included);</li>
 *   <li>{@code peregrine-ignore-containers: a:b}: never these containers.</li>
 * </ul>
 */
public record Selection(boolean task, boolean includeAll, ContainerNames include, ContainerNames ignore) {
    public static final String INCLUDE = "peregrine-include";
    public static final String IGNORE = "peregrine-ignore";
    public static final String INCLUDE_CONTAINERS = "peregrine-include-containers";
    public static final String IGNORE_CONTAINERS = "peregrine-ignore-containers";
    private static final Set<String> OPT_TAGS = Set.of(INCLUDE, IGNORE, INCLUDE_CONTAINERS, IGNORE_CONTAINERS);

    /**
     * Reads the opt tags from a tag list ({@code [{Key, Value}]} in either casing). Bad values
     * are added to {@code problems} (prefixed with {@code where}) and the task is not selected.
     */
    public static Selection of(JsonNode tags, boolean optIn, String where, List<String> problems) {
        boolean include = false;
        boolean ignore = false;
        ContainerNames includeContainers = null;
        ContainerNames ignoreContainers = null;
        int before = problems.size();
        if (tags != null && !tags.isNull() && !tags.isMissingNode()) {
            if (!tags.isArray()) {
                // Tags built by an intrinsic function cannot be read before deployment: no opt tags.
                tags = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            }
            for (JsonNode tag : tags) {
                JsonNode key = Casing.get(tag, "Key");
                if (key == null || !key.isTextual() || !OPT_TAGS.contains(key.asText())) {
                    continue;
                }
                JsonNode value = Casing.get(tag, "Value");
                String name = key.asText();
                if (value != null && !value.isTextual() && !value.isNull()) {
                    problems.add(where + ": tag " + name + " must have a literal string value, got " + value);
                    continue;
                }
                String text = value == null || value.isNull() ? "" : value.asText();
                try {
                    switch (name) {
                        case INCLUDE -> include = true;
                        case IGNORE -> ignore = true;
                        case INCLUDE_CONTAINERS -> includeContainers = ContainerNames.parse(name, text);
                        case IGNORE_CONTAINERS -> ignoreContainers = ContainerNames.parse(name, text);
                        default -> throw new IllegalStateException(name);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
        }
        boolean selected = problems.size() == before && !ignore && (!optIn || include || includeContainers != null);
        boolean all = includeContainers == null && (include || !optIn);
        return new Selection(selected, all, includeContainers, ignoreContainers);
    }

    public boolean container(String name) {
        if (!task) {
            return false;
        }
        if (ignore != null && ignore.contains(name)) {
            return false;
        }
        return includeAll || (include != null && include.contains(name));
    }

    /** True when container tags name containers: then every container's name must be known. */
    public boolean needsNames() {
        return include != null || ignore != null;
    }

    /** Names in the container tags that the task does not have: almost always a typo. */
    public List<String> unknownNames(Set<String> containers) {
        List<String> unknown = new ArrayList<>();
        for (ContainerNames names : new ContainerNames[] {include, ignore}) {
            if (names != null) {
                names.names().stream().filter(n -> !containers.contains(n)).sorted().forEach(unknown::add);
            }
        }
        return unknown;
    }
}
