package dev.peregrine.rules;

import dev.peregrine.rules.condition.EventTypes;
import dev.peregrine.rules.eval.EntryScreen;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.output.Alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled rules of a successful load, in Falco's evaluation order (first definition
 * first). {@link #select} gives the rules that run under a {@link Selection}, indexed by event
 * type so each event only meets the rules that can match its type.
 */
public final class RuleSet {
    private final List<Rule> rules;
    private final int listCount;
    private final int macroCount;

    RuleSet(List<Rule> rules, int listCount, int macroCount) {
        this.rules = List.copyOf(rules);
        this.listCount = listCount;
        this.macroCount = macroCount;
    }

    /** Lists defined across the loaded files (after redefinitions). */
    public int listCount() {
        return listCount;
    }

    /** Macros defined across the loaded files (after redefinitions). */
    public int macroCount() {
        return macroCount;
    }

    /** Every compiled rule, enabled or not. */
    public List<Rule> rules() {
        return rules;
    }

    public java.util.Optional<Rule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Evaluator select(Selection selection) {
        return new Evaluator(rules.stream().filter(selection::runs).toList(), selection.matching());
    }

    /** Falco's defaults: enabled rules, first match. */
    public Evaluator evaluator() {
        return select(Selection.defaults());
    }

    /** The selected rules with their event-type index. Thread-safe. */
    public static final class Evaluator {
        private static final Rule[] NO_RULES = new Rule[0];
        private final List<Rule> rules;
        private final Selection.Matching matching;
        private final Map<String, Rule[]> byType = new ConcurrentHashMap<>();
        private final Map<String, EntryScreen[]> screensByType = new ConcurrentHashMap<>();

        Evaluator(List<Rule> rules, Selection.Matching matching) {
            this.rules = rules;
            this.matching = matching;
        }

        public List<Rule> rules() {
            return rules;
        }

        /** The rules that can match events of {@code type}, in rule order. */
        public Rule[] rulesFor(String type) {
            Rule[] r = byType.get(type);
            if (r == null) {
                r = byType.computeIfAbsent(type, t -> {
                    List<Rule> out = new ArrayList<>();
                    for (Rule rule : rules) {
                        if (rule.eventTypes().contains(t)) {
                            out.add(rule);
                        }
                    }
                    return out.isEmpty() ? NO_RULES : out.toArray(Rule[]::new);
                });
            }
            return r;
        }

        /** The first matching rule (Falco's default), or null. Allocation-free. */
        public Rule firstMatch(Event e) {
            for (Rule rule : rulesFor(e.type())) {
                if (rule.filter().test(e)) {
                    return rule;
                }
            }
            return null;
        }

        /**
         * Whether some selected rule could match the exit event of the call {@code entry} is about
         * to make, whatever the call returns ({@link EntryScreen}); false lets a tracer skip the
         * call's exit stop. {@code descriptorKnown}: whether {@code entry.fd()} is already the
         * descriptor the exit event will name.
         */
        public boolean mayMatchAtExit(Event entry, boolean descriptorKnown) {
            EntryScreen[] screens = screensByType.get(entry.type());
            if (screens == null) {
                screens = screensByType.computeIfAbsent(entry.type(), t -> {
                    Rule[] rs = rulesFor(t);
                    EntryScreen[] out = new EntryScreen[rs.length];
                    for (int i = 0; i < rs.length; i++) {
                        out[i] = EntryScreen.of(rs[i].resolved());
                    }
                    return out;
                });
            }
            for (EntryScreen s : screens) {
                if (s.mayMatch(entry, descriptorKnown)) {
                    return true;
                }
            }
            return false;
        }

        /** The matching rules: the first one, or all of them, as the selection says. */
        public List<Rule> matches(Event e) {
            if (matching == Selection.Matching.FIRST) {
                Rule r = firstMatch(e);
                return r == null ? List.of() : List.of(r);
            }
            List<Rule> out = new ArrayList<>(1);
            for (Rule rule : rulesFor(e.type())) {
                if (rule.filter().test(e)) {
                    out.add(rule);
                }
            }
            return out;
        }

        public List<Alert> alerts(Event e, String hostname) {
            List<Rule> m = matches(e);
            if (m.isEmpty()) {
                return List.of();
            }
            List<Alert> out = new ArrayList<>(m.size());
            for (Rule r : m) {
                out.add(r.alert(e, hostname));
            }
            return out;
        }

        /**
         * Every event type the selected rules can match; {@code complement} when some rule matches
         * all types (then {@code names} are those no rule needs excluded). Capture uses this to trap
         * only the system calls that matter.
         */
        public EventTypes eventTypes() {
            EventTypes acc = EventTypes.NONE;
            for (Rule r : rules) {
                acc = acc.union(r.eventTypes());
            }
            return acc;
        }
    }

    /** Names of all event types named by finite rule type sets (for reports). */
    public Set<String> namedEventTypes() {
        Set<String> out = new TreeSet<>();
        for (Rule r : rules) {
            if (!r.eventTypes().complement()) {
                out.addAll(r.eventTypes().names());
            }
        }
        return out;
    }
}
