package dev.peregrine.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reader and collector behaviour: structure, append/override, exceptions validation, error codes and positions. */
class LoaderTest {
    static LoadResult load(String... yamls) {
        List<RulesFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < yamls.length; i++) {
            files.add(new RulesFile("f" + i + ".yaml", yamls[i]));
        }
        return RuleLoader.load(files);
    }

    static Diagnostic onlyError(LoadResult r) {
        assertFalse(r.ok(), () -> "expected an error, got " + r.diagnostics());
        assertEquals(1, r.errors().size(), () -> r.errors().toString());
        return r.errors().getFirst();
    }

    static void assertError(LoadResult r, String code, String messagePart, int line) {
        Diagnostic d = onlyError(r);
        assertEquals(code, d.code(), d::toString);
        assertTrue(d.message().contains(messagePart), () -> d + " does not contain: " + messagePart);
        assertEquals(line, d.line(), d::toString);
    }

    static final String RULE_A = """
            - rule: A
              desc: a rule
              condition: evt.type = open
              output: opened %fd.name
              priority: WARNING
            """;

    @Test
    void upstreamFilesLoadWithExpectedRuleCounts() {
        LoadResult stable = RuleLoader.load(SharedRules.files(SharedRules.STABLE));
        assertTrue(stable.ok(), () -> stable.errors().toString());
        assertEquals(25, stable.ruleSet().orElseThrow().rules().size());
        LoadResult two = RuleLoader.load(SharedRules.files(SharedRules.STABLE, SharedRules.INCUBATING));
        assertTrue(two.ok(), () -> two.errors().toString());
        assertEquals(25 + 31, two.ruleSet().orElseThrow().rules().size());
        assertEquals(31, countFrom(two, SharedRules.INCUBATING));
        LoadResult all = RuleLoader.load(SharedRules.files(SharedRules.STABLE, SharedRules.INCUBATING, SharedRules.SANDBOX));
        assertTrue(all.ok(), () -> all.errors().toString());
        assertEquals(25 + 31 + 37, all.ruleSet().orElseThrow().rules().size());
        assertEquals(25, countFrom(all, SharedRules.STABLE));
        assertEquals(37, countFrom(all, SharedRules.SANDBOX));
    }

    private static long countFrom(LoadResult r, String fileName) {
        return r.ruleSet().orElseThrow().rules().stream().filter(rule -> rule.file().endsWith("/" + fileName)).count();
    }

    @Test
    void badYamlIsAParseErrorWithItsPosition() {
        Diagnostic d = onlyError(load("- rule: x\n  desc: [unclosed\n"));
        assertEquals("LOAD_ERR_YAML_PARSE", d.code());
        assertTrue(d.line() >= 2, d::toString);
        assertEquals("f0.yaml", d.file());
    }

    @Test
    void documentMustBeASequenceOfMaps() {
        assertError(load("rule: x\n"), "LOAD_ERR_YAML_VALIDATE", "Rules content is not yaml array of objects", 1);
        assertError(load("- just a string\n"), "LOAD_ERR_YAML_VALIDATE", "Each element should be a yaml associative array", 1);
    }

    @Test
    void missingRequiredKeyNamesTheKey() {
        assertError(load("- rule: x\n  desc: d\n  condition: evt.type=open\n  priority: INFO\n"),
                "LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'output'", 1);
    }

    @Test
    void badPriorityIsAnErrorAtThePriority() {
        assertError(load(RULE_A.replace("WARNING", "SEVERE")), "LOAD_ERR_YAML_VALIDATE", "Invalid priority", 5);
    }

    @Test
    void priorityNamesAreCaseInsensitive() {
        LoadResult r = load(RULE_A.replace("WARNING", "informational"));
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals(Priority.INFORMATIONAL, r.ruleSet().orElseThrow().rules().getFirst().priority());
    }

    @Test
    void appendWithoutTargetIsAnError() {
        assertError(load("- list: l\n  items: [a]\n  append: true\n"), "LOAD_ERR_VALIDATE",
                "no list by that name already exists", 1);
        assertError(load("- macro: m\n  condition: evt.num > 0\n  override:\n    condition: append\n"), "LOAD_ERR_VALIDATE",
                "no macro by that name already exists", 1);
        assertError(load("- rule: R\n  condition: and proc.name = x\n  append: true\n"), "LOAD_ERR_VALIDATE",
                "no rule by that name already exists", 1);
        assertError(load("- rule: R\n  priority: ERROR\n  override:\n    priority: replace\n"), "LOAD_ERR_VALIDATE",
                "'override.<key>: replace' to a rule was requested but no rule", 1);
    }

    @Test
    void appendMustComeAfterTheDefinition() {
        String append = "- rule: A\n  condition: and proc.name = x\n  override:\n    condition: append\n";
        assertFalse(load(append, RULE_A).ok());
        assertTrue(load(RULE_A, append).ok());
    }

    @Test
    void overrideAndAppendConflicts() {
        assertError(load(RULE_A, "- rule: A\n  condition: and proc.name = x\n  append: true\n  override:\n    condition: append\n"),
                "LOAD_ERR_YAML_VALIDATE", "Keys 'override' and 'append: true' cannot be used together", 1);
        assertError(load(RULE_A, "- rule: A\n  priority: ERROR\n  override:\n    priority: append\n"),
                "LOAD_ERR_YAML_VALIDATE", "Key 'priority' cannot be appended to, use 'replace' instead", 4);
        assertError(load(RULE_A, "- rule: A\n  priority: ERROR\n  desc: new\n  override:\n    priority: replace\n"),
                "LOAD_ERR_YAML_VALIDATE", "Unexpected key 'desc': no corresponding entry under 'override' is defined.", 3);
        assertError(load(RULE_A, "- rule: A\n  priority: ERROR\n  override:\n    priority: replace\n    desc: replace\n"),
                "LOAD_ERR_YAML_VALIDATE", "An replace override for 'desc' was specified but 'desc' is not defined", 1);
        assertError(load(RULE_A, "- rule: A\n  priority: ERROR\n  override:\n    priority: merge\n"),
                "LOAD_ERR_YAML_VALIDATE", "Invalid override operation for key 'priority': 'merge'. Allowed values are: replace", 4);
    }

    @Test
    void replaceKeepsPositionAndChangesFields() {
        String b = RULE_A.replace("rule: A", "rule: B");
        LoadResult r = load(RULE_A + b, "- rule: A\n  priority: ERROR\n  tags: [t1]\n  override:\n    priority: replace\n    tags: append\n");
        assertTrue(r.ok(), r.diagnostics()::toString);
        Rule a = r.ruleSet().orElseThrow().rules().getFirst();
        assertEquals("A", a.name());
        assertEquals(Priority.ERROR, a.priority());
        assertEquals(List.of("t1"), a.tags());
    }

    @Test
    void redefinitionKeepsTheFirstPosition() {
        String b = RULE_A.replace("rule: A", "rule: B");
        LoadResult r = load(RULE_A + b + RULE_A.replace("WARNING", "NOTICE"));
        List<Rule> rules = r.ruleSet().orElseThrow().rules();
        assertEquals(List.of("A", "B"), rules.stream().map(Rule::name).toList());
        assertEquals(Priority.NOTICE, rules.getFirst().priority());
    }

    @Test
    void standaloneEnabledTogglesAnExistingRule() {
        LoadResult r = load(RULE_A, "- rule: A\n  enabled: false\n");
        assertTrue(r.ok());
        assertFalse(r.ruleSet().orElseThrow().rules().getFirst().enabled());
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_DEPRECATED_ITEM")));
        assertError(load("- rule: Z\n  enabled: false\n"), "LOAD_ERR_VALIDATE", "Rule has 'enabled' key but no rule by that name already exists", 1);
    }

    @Test
    void unknownItemsAndKeysAreWarnings() {
        LoadResult r = load(RULE_A.replace("  priority:", "  colour: blue\n  priority:") + "- thing: 1\n");
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_UNKNOWN_KEY") && w.message().contains("'colour'") && w.line() == 5));
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_UNKNOWN_ITEM") && w.line() == 7));
    }

    @Test
    void exceptionLengthsMustMatch() {
        String rule = RULE_A + """
                  exceptions:
                    - name: e1
                      fields: [proc.name, fd.name]
                      comps: [=]
                      values: [[a, b]]
                """;
        assertError(load(rule), "LOAD_ERR_VALIDATE", "Fields and comps lists must have equal length", 7);
        String scalarComps = RULE_A + """
                  exceptions:
                    - name: e1
                      fields: proc.name
                      comps: contains
                      values: [a]
                """;
        assertError(load(scalarComps), "LOAD_ERR_VALIDATE", "comps must be one of (in, pmatch, intersects)", 7);
    }

    @Test
    void engineVersionIsChecked() {
        assertTrue(load("- required_engine_version: 0.57.0\n").ok());
        assertTrue(load("- required_engine_version: 12\n").ok());
        assertError(load("- required_engine_version: 0.99.0\n"), "LOAD_ERR_VALIDATE",
                "Rules require engine version 0.99.0, but engine version is 0.57.0", 1);
        assertError(load("- required_engine_version: banana\n"), "LOAD_ERR_YAML_VALIDATE", "Unable to parse engine version", 1);
    }

    @Test
    void unknownSourceIsSkippedWithAWarning() {
        LoadResult r = load(RULE_A.replace("priority: WARNING", "priority: WARNING\n  source: k8s_audit"));
        assertTrue(r.ok());
        assertTrue(r.ruleSet().orElseThrow().rules().isEmpty());
        assertEquals("LOAD_UNKNOWN_SOURCE", r.warnings().getFirst().code());
    }

    @Test
    void diagnosticPrintsLikeACompiler() {
        Diagnostic d = new Diagnostic(Diagnostic.Severity.ERROR, "LOAD_ERR_VALIDATE", "boom", "x.yaml", 3, 7);
        assertEquals("x.yaml:3:7: error LOAD_ERR_VALIDATE: boom", d.toString());
    }
}
