package dev.peregrine.rules;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cases written from the behaviour Falco's engine documents in its loader tests: the compiled
 * condition (canonical form) and the messages each YAML produces.
 */
class FalcoParityTest {
    static final String BASE = """
            - rule: test_rule
              desc: test rule
              condition: evt.type = open
              output: command=%proc.cmdline
              priority: INFO
            """;

    static LoadResult load(String yaml) {
        return Rules.load(yaml);
    }

    static String condition(LoadResult r) {
        assertTrue(r.ok(), r.diagnostics()::toString);
        return r.ruleSet().orElseThrow().rule("test_rule").orElseThrow().condition();
    }

    static boolean warned(LoadResult r, String text) {
        return r.warnings().stream().anyMatch(w -> w.message().contains(text));
    }

    static boolean failed(LoadResult r, String text) {
        return !r.ok() && r.errors().stream().anyMatch(e -> e.message().contains(text));
    }

    @Test
    void listOverrideAppend() {
        LoadResult r = load("""
                - list: shell_binaries
                  items: [ash, bash]
                - rule: test_rule
                  desc: d
                  condition: evt.type=open and proc.name in (shell_binaries)
                  output: o
                  priority: INFO
                - list: shell_binaries
                  items: [pwsh]
                  override:
                    items: append
                """);
        assertEquals("(evt.type = open and proc.name in (ash, bash, pwsh))", condition(r));
    }

    @Test
    void macroConditionAppendKeepsFoldedText() {
        LoadResult r = load("""
                - macro: interactive
                  condition: >
                    ((proc.aname=sshd and proc.name != sshd) or
                    proc.name=systemd-logind or proc.name=login)
                - rule: test_rule
                  desc: d
                  condition: evt.type=open and interactive
                  output: o
                  priority: INFO
                - macro: interactive
                  condition: or proc.name = ssh
                  override:
                    condition: append
                """);
        assertEquals("(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = systemd-logind or proc.name = login) or proc.name = ssh))",
                condition(r));
    }

    @Test
    void ruleOverrideAppendJoinsWithASpace() {
        LoadResult r = load(BASE + """
                - rule: test_rule
                  desc: with append
                  condition: and proc.name = cat
                  output: proc=%proc.name
                  override:
                    desc: append
                    condition: append
                    output: append
                """);
        Rule rule = r.ruleSet().orElseThrow().rules().getFirst();
        assertEquals("(evt.type = open and proc.name = cat)", rule.condition());
        assertEquals("command=%proc.cmdline proc=%proc.name", rule.output());
        assertEquals("test rule with append", rule.description());
        assertFalse(warned(r, "'append' key is deprecated"));
    }

    @Test
    void macroOverrideReplaceWithoutTargetDefinesIt() {
        LoadResult r = load("""
                - macro: open_simple
                  condition: or evt.type = openat2
                  override:
                    condition: replace
                - macro: open_simple
                  condition: evt.type in (open,openat)
                - rule: test_rule
                  desc: simple rule
                  condition: open_simple
                  output: command=%proc.cmdline
                  priority: INFO
                """);
        assertEquals("evt.type in (open, openat)", condition(r));
    }

    @Test
    void enabledOverride() {
        String disabled = BASE + "  enabled: false\n";
        assertTrue(failed(load(disabled + """
                - rule: test_rule
                  desc: missing enabled key
                  condition: and proc.name = cat
                  override:
                    desc: replace
                    condition: append
                    enabled: replace
                """), "'enabled' was specified but 'enabled' is not defined"));
        LoadResult ok = load(disabled + """
                - rule: test_rule
                  desc: correct override
                  condition: and proc.name = cat
                  enabled: true
                  override:
                    desc: replace
                    condition: append
                    enabled: replace
                """);
        assertTrue(ok.ok() && ok.warnings().isEmpty(), ok.diagnostics()::toString);
        assertTrue(ok.ruleSet().orElseThrow().rules().getFirst().enabled());
        // 'enabled' is ignored by a legacy append.
        LoadResult ignored = load(disabled + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n  enabled: true\n");
        assertFalse(ignored.ruleSet().orElseThrow().rules().getFirst().enabled());
    }

    @Test
    void replacingExceptionsNeedsWholeExceptions() {
        LoadResult r = load("""
                - rule: test_rule
                  desc: test rule description
                  condition: evt.type = close
                  output: o
                  priority: INFO
                  exceptions:
                    - name: test_exception
                      fields: proc.name
                      comps: in
                      values: ["cat"]
                - rule: test_rule
                  exceptions:
                    - name: test_exception
                      values: [echo]
                  override:
                    exceptions: append
                - rule: test_rule
                  exceptions:
                    - name: test_exception
                      values: [id]
                  override:
                    exceptions: replace
                """);
        assertTrue(failed(r, "Item has no mapping for key 'fields'"), r.diagnostics()::toString);
        assertTrue(r.warnings().isEmpty(), r.warnings()::toString);
    }

    @Test
    void invalidNamesAreWarnings() {
        assertTrue(warned(load("- macro: test-macro\n  condition: evt.type = close\n"),
                "Macro has an invalid name. Macro names should match a regular expression"));
        LoadResult list = load("- list: test list\n  items: [open, openat, openat2]\n" + BASE.replace("evt.type = open", "evt.type in (test list)"));
        assertTrue(warned(list, "List has an invalid name. List names should match a regular expression"));
        assertEquals("evt.type in (open, openat, openat2)", condition(list));
    }

    @Test
    void exceptionWarnings() {
        String withValues = BASE + """
                  exceptions:
                    - name: test_exception
                      fields: [proc.cmdline]
                      comps: [contains]
                      values:
                        - [curl 127.0.0.1]
                """;
        assertTrue(warned(load(withValues + "- rule: test_rule\n  exceptions:\n    - name: test_exception\n      value: curl 1.1.1.1\n  append: true\n"),
                "Overriding/appending exception with no values"));
        assertTrue(warned(load(withValues.replace("  exceptions:\n", "  exceptions:\n    - name: test_exception\n      fields: [proc.name]\n      values: [[a]]\n")),
                "Multiple definitions of exception"));
    }

    @Test
    void exceptionValuesThatLookLikeFields() {
        String head = BASE + "  exceptions:\n    - name: test_exception\n";
        LoadResult field = load(head + "      fields: [proc.name]\n      comps: [=]\n      values:\n        - [proc.pname]\n");
        assertEquals("(evt.type = open and not proc.name = proc.pname)", condition(field));
        assertTrue(warned(field, "'proc.pname' may be a valid field misused as a const string value"));
        LoadResult spaced = load(head + "      fields: [proc.name]\n      comps: [=]\n      values:\n        - [\"proc.pname \"]\n");
        assertEquals("(evt.type = open and not proc.name = \"proc.pname \")", condition(spaced));
        assertTrue(warned(spaced, "'proc.pname ' may be a valid field misused as a const string value"));
        LoadResult transformer = load(head + "      fields: [proc.name]\n      comps: [=]\n      values:\n        - [toupper(proc.pname)]\n");
        assertEquals("(evt.type = open and not proc.name = toupper(proc.pname))", condition(transformer));
        LoadResult spacedTransformer = load(head + "      fields: [proc.name]\n      comps: [=]\n      values:\n        - [toupper( proc.pname)]\n");
        assertEquals("(evt.type = open and not proc.name = \"toupper( proc.pname)\")", condition(spacedTransformer));
        assertTrue(warned(spacedTransformer, "'toupper( proc.pname)' may be a valid field transformer misused as a const string value"));
        LoadResult fieldTransformer = load(head + "      fields: [\"tolower( proc.name)\"]\n      comps: [=]\n      values:\n        - [test]\n");
        assertEquals("(evt.type = open and not tolower(proc.name) = test)", condition(fieldTransformer));
        assertTrue(fieldTransformer.warnings().isEmpty(), fieldTransformer.warnings()::toString);
    }

    @Test
    void engineVersions() {
        assertTrue(load("- required_engine_version: 0.26.0\n" + BASE).warnings().isEmpty());
        assertTrue(load("- required_engine_version: 26\n" + BASE).ok());
        assertTrue(failed(load("- required_engine_version: seven\n" + BASE), "Unable to parse engine version"));
    }
}
