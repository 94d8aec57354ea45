package dev.peregrine.rules;

import java.util.List;

/** The rules of a successful load, in Falco's evaluation order (first definition first). */
public final class RuleSet {
    private final List<Rule> rules;

    RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }
}
