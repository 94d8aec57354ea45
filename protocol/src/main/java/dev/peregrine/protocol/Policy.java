package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A policy: which rules it covers (by name or by tag, exactly one of the two), from which
 * priority on, what to do, and where.
 *
 * @param rules        rule names, or null when the policy selects by {@code tags}
 * @param tags         rule tags, or null when the policy selects by {@code rules}
 * @param minPriority  rules below this priority are ignored; defaults to {@code debug} (all)
 * @param actions      defaults to {@code [notify]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(
        @JsonProperty(required = true) String name,
        Boolean enabled,
        List<String> rules,
        List<String> tags,
        Priority minPriority,
        List<Action> actions,
        Scope scope) {

    public Policy {
        InvalidFieldException.requireText(name, "name");
        enabled = enabled == null ? Boolean.TRUE : enabled;
        if (rules != null && tags != null) {
            throw new InvalidFieldException("tags", "give either 'rules' or 'tags', not both");
        }
        if (rules == null && tags == null) {
            throw new InvalidFieldException("rules", "one of 'rules' (rule names) or 'tags' (rule tags) is required");
        }
        rules = rules == null ? null : List.copyOf(rules);
        tags = tags == null ? null : List.copyOf(tags);
        minPriority = minPriority == null ? Priority.DEBUG : minPriority;
        actions = actions == null || actions.isEmpty() ? List.of(Action.NOTIFY) : List.copyOf(actions);
        scope = scope == null ? Scope.EVERYWHERE : scope;
    }

    /** Whether a rule with this name, tags and priority falls under this policy (scope aside). */
    public boolean covers(String ruleName, List<String> ruleTags, Priority priority) {
        if (!enabled || !priority.atLeast(minPriority)) {
            return false;
        }
        if (rules != null) {
            return rules.contains(ruleName);
        }
        return ruleTags.stream().anyMatch(tags::contains);
    }
}
