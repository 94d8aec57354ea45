package dev.peregrine.rules;

import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.event.ThreadRecord;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helpers: one-rule files, events. */
final class Rules {
    private Rules() {
    }

    static String rule(String name, String condition, String output) {
        return "- rule: " + name + "\n  desc: test\n  condition: " + yamlQuote(condition) + "\n  output: " + yamlQuote(output)
                + "\n  priority: WARNING\n";
    }

    static String yamlQuote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static LoadResult load(String yaml) {
        return RuleLoader.load(List.of(new RulesFile("t.yaml", yaml)));
    }

    /** Compiles one condition (after optional preamble of lists/macros) into a rule; fails the test on errors. */
    static Rule compile(String preamble, String condition) {
        LoadResult r = load(preamble + rule("R", condition, "out"));
        assertTrue(r.ok(), () -> "condition did not compile: " + condition + " -> " + r.errors());
        return r.ruleSet().orElseThrow().rule("R").orElseThrow();
    }

    static Rule compile(String condition) {
        return compile("", condition);
    }

    static ThreadRecord.Builder proc(String name, String... args) {
        return ThreadRecord.builder().pid(100).name(name).exe(name).exePath("/usr/bin/" + name).args(List.of(args)).cwd("/");
    }

    static EventRecord.Builder event(String type) {
        return EventRecord.builder(type).time(1_764_365_450_123_456_789L);
    }
}
