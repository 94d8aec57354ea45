package dev.peregrine.rules;

import java.util.Set;

/**
 * Which loaded rules run, as Falco's configuration chooses them: a rule runs when it is enabled
 * (by its file, or by name/tag here; disabling wins), and its priority is at least
 * {@code minimumPriority}. {@code matching} is Falco's {@code rule_matching}.
 */
public record Selection(Priority minimumPriority, Set<String> enableNames, Set<String> disableNames,
                        Set<String> enableTags, Set<String> disableTags, Matching matching) {
    public enum Matching {
        /** Stop at the first matching rule, in rule order (Falco's default). */
        FIRST,
        /** Every matching rule. */
        ALL
    }

    public Selection {
        enableNames = Set.copyOf(enableNames);
        disableNames = Set.copyOf(disableNames);
        enableTags = Set.copyOf(enableTags);
        disableTags = Set.copyOf(disableTags);
    }

    /** Falco's defaults: every enabled rule, any priority, first match. */
    public static Selection defaults() {
        return new Selection(Priority.DEBUG, Set.of(), Set.of(), Set.of(), Set.of(), Matching.FIRST);
    }

    public Selection withMinimumPriority(Priority p) {
        return new Selection(p, enableNames, disableNames, enableTags, disableTags, matching);
    }

    public Selection withMatching(Matching m) {
        return new Selection(minimumPriority, enableNames, disableNames, enableTags, disableTags, m);
    }

    public Selection withEnabled(Set<String> names, Set<String> tags) {
        return new Selection(minimumPriority, names, disableNames, tags, disableTags, matching);
    }

    public Selection withDisabled(Set<String> names, Set<String> tags) {
        return new Selection(minimumPriority, enableNames, names, enableTags, tags, matching);
    }

    public boolean runs(Rule r) {
        if (!r.priority().atLeast(minimumPriority)) {
            return false;
        }
        if (disableNames.contains(r.name()) || r.tags().stream().anyMatch(disableTags::contains)) {
            return false;
        }
        return r.enabled() || enableNames.contains(r.name()) || r.tags().stream().anyMatch(enableTags::contains);
    }
}
