package dev.peregrine.rules;

import dev.peregrine.rules.load.ListExpansion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.peregrine.rules.LoaderTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lists (textual), macros (AST, with visibility), exceptions (compiled strings), append semantics. */
class ExpansionTest {
    @Test
    void listsAreSubstitutedTextuallyWithQuoting() {
        assertEquals("proc.name in ( bash, \"my app\" )",
                ListExpansion.substitute("proc.name in (shells)", "shells", List.of("bash", "my app")));
        // Not delimited: left alone.
        assertNull(ListExpansion.substitute("proc.name = myshells", "shells", List.of("x")));
        assertNull(ListExpansion.substitute("proc.name = shells_x", "shells", List.of("x")));
        // An empty list takes an adjacent comma with it.
        assertEquals("proc.name in (a  )", ListExpansion.substitute("proc.name in (a, empty)", "empty", List.of()));
    }

    @Test
    void listsInConditionsAndNestedLists() {
        Rule r = Rules.compile("""
                - list: shells
                  items: [bash, sh]
                - list: all_shells
                  items: [shells, zsh]
                """, "proc.name in (all_shells)");
        assertEquals("proc.name in (bash, sh, zsh)", r.condition());
    }

    @Test
    void listItemsHoldingSpacesAreQuoted() {
        Rule r = Rules.compile("""
                - list: cmds
                  items: ["curl 127.0.0.1", '"already quoted"']
                """, "proc.cmdline in (cmds)");
        assertEquals("proc.cmdline in (\"curl 127.0.0.1\", \"already quoted\")", r.condition());
    }

    @Test
    void macrosAreSubstitutedAsTrees() {
        Rule r = Rules.compile("""
                - macro: open_read
                  condition: evt.type in (open, openat) and evt.is_open_read=true
                - macro: dup
                  condition: evt.type in (dup, dup2)
                """, "open_read and not dup and proc.name = dup");
        assertEquals("((evt.type in (open, openat) and evt.is_open_read = true) and not evt.type in (dup, dup2) and proc.name = dup)",
                r.condition());
    }

    @Test
    void undefinedMacroIsAnErrorEvenInAnUnusedMacro() {
        assertError(Rules.load("- macro: m\n  condition: nosuchmacro\n"), "LOAD_ERR_VALIDATE", "Undefined macro 'nosuchmacro' used in filter.", 2);
        assertError(Rules.load(Rules.rule("R", "evt.type = open and nosuch", "x")), "LOAD_ERR_VALIDATE",
                "Undefined macro 'nosuch' used in filter.", 3);
    }

    @Test
    void macroSeesOnlyEarlierMacros() {
        // b is defined after a: a cannot use it.
        assertError(Rules.load("- macro: a\n  condition: b\n- macro: b\n  condition: evt.num > 0\n"),
                "LOAD_ERR_VALIDATE", "Undefined macro 'b' used in filter.", 2);
        // Appending to a after b's definition makes b visible to a.
        LoadResult ok = Rules.load("- macro: a\n  condition: evt.num > 1\n- macro: b\n  condition: evt.num > 0\n"
                + "- macro: a\n  condition: or b\n  override:\n    condition: append\n" + Rules.rule("R", "a", "x"));
        assertTrue(ok.ok(), ok.diagnostics()::toString);
        assertEquals("(evt.num > 1 or evt.num > 0)", ok.ruleSet().orElseThrow().rules().getFirst().condition());
    }

    @Test
    void macroLoopIsAnError() {
        String yaml = "- macro: a\n  condition: evt.num > 1\n- macro: b\n  condition: a\n"
                + "- macro: a\n  condition: or b\n  override:\n    condition: append\n";
        assertError(Rules.load(yaml), "LOAD_ERR_VALIDATE", "reference loop in macro", 2);
    }

    @Test
    void unusedListsAndMacrosAreWarnings() {
        LoadResult r = Rules.load("- list: l\n  items: [a]\n- macro: m\n  condition: evt.num > 0\n" + Rules.rule("R", "evt.type = open", "x"));
        assertTrue(r.ok());
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_UNUSED_LIST") && w.line() == 1));
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_UNUSED_MACRO") && w.line() == 3));
    }

    @Test
    void appendedConditionGetsNoParentheses() {
        LoadResult r = Rules.load(Rules.rule("R", "evt.type = open or evt.type = openat", "x")
                + "- rule: R\n  condition: and proc.name = cat\n  override:\n    condition: append\n");
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals("(evt.type = open or (evt.type = openat and proc.name = cat))", r.ruleSet().orElseThrow().rules().getFirst().condition());
    }

    @Test
    void exceptionsCompileLikeFalco() {
        String yaml = Rules.rule("R", "proc.cmdline contains curl or proc.cmdline contains wget", "x") + """
                  exceptions:
                    - name: local
                      fields: [proc.cmdline]
                      comps: [contains]
                      values:
                        - [curl 127.0.0.1]
                """;
        LoadResult r = Rules.load(yaml);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals("((proc.cmdline contains curl or proc.cmdline contains wget) and not proc.cmdline contains \"curl 127.0.0.1\")",
                r.ruleSet().orElseThrow().rules().getFirst().condition());
    }

    @Test
    void exceptionFormsScalarListAndNestedValues() {
        String yaml = "- list: trusted\n  items: [/usr/bin/a]\n" + Rules.rule("R", "evt.type = open", "x") + """
                  exceptions:
                    - name: by_name
                      fields: proc.name
                      values: [cat, "my tool"]
                    - name: by_pair
                      fields: [proc.name, fd.name]
                      comps: [=, in]
                      values:
                        - [vi, [/etc/a, /etc/b]]
                        - [nano, trusted]
                    - name: empty
                      fields: [proc.name]
                """;
        LoadResult r = Rules.load(yaml);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals("(evt.type = open and not proc.name in (cat, \"my tool\") and not "
                        + "((proc.name = vi and fd.name in (/etc/a, /etc/b)) or (proc.name = nano and fd.name in (/usr/bin/a))))",
                r.ruleSet().orElseThrow().rules().getFirst().condition());
    }

    @Test
    void exceptionValuesMustMatchFields() {
        String yaml = Rules.rule("R", "evt.type = open", "x") + """
                  exceptions:
                    - name: e
                      fields: [proc.name, fd.name]
                      values:
                        - [a]
                """;
        assertError(Rules.load(yaml), "LOAD_ERR_VALIDATE", "Fields and values lists must have equal length", 7);
        String badField = Rules.rule("R", "evt.type = open", "x") + "  exceptions:\n    - name: e\n      fields: [proc.nme]\n      values: [[a]]\n";
        assertError(Rules.load(badField), "LOAD_ERR_VALIDATE", "'proc.nme' is not a supported filter field", 7);
    }

    @Test
    void exceptionValuesAppendByName() {
        String yaml = Rules.rule("R", "evt.type = open", "x") + "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a]]\n"
                + "- rule: R\n  exceptions:\n    - name: e\n      values: [[b]]\n  override:\n    exceptions: append\n";
        LoadResult r = Rules.load(yaml);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals("(evt.type = open and not (proc.name = a or proc.name = b))", r.ruleSet().orElseThrow().rules().getFirst().condition());
        String fieldsAgain = Rules.rule("R", "evt.type = open", "x") + "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a]]\n"
                + "- rule: R\n  exceptions:\n    - name: e\n      fields: [fd.name]\n      values: [[b]]\n  override:\n    exceptions: append\n";
        assertError(Rules.load(fieldsAgain), "LOAD_ERR_VALIDATE", "Can not append exception fields to existing exception, only values", 12);
    }

    @Test
    void conditionErrorsNameRuleAndPosition() {
        LoadResult r = Rules.load("- list: l\n  items: [a]\n" + Rules.rule("R", "evt.type = open and (proc.name in (l)", "x"));
        LoaderTest.onlyError(r);
        Diagnostic d = r.errors().getFirst();
        assertEquals("LOAD_ERR_COMPILE_CONDITION", d.code());
        assertEquals(5, d.line());
        // The list changed the text, so the position is the condition's start (inside the quote).
        assertEquals(15, d.column());
        assertTrue(d.message().contains("expected a ')' token") && d.message().contains("rule 'R' (t.yaml:3:3)"), d.message());
        assertError(Rules.load(Rules.rule("R", "evt.type = open and proc.nme = x", "x")), "LOAD_ERR_COMPILE_CONDITION", "nonexistent field proc.nme", 3);
        assertError(Rules.load(Rules.rule("R", "evt.type ~ open", "x")), "LOAD_ERR_COMPILE_CONDITION", "expected a valid check operator", 3);
        assertError(Rules.load(Rules.rule("R", "evt.type = open", "bad %proc.nme")), "LOAD_ERR_COMPILE_OUTPUT", "nonexistent field proc.nme", 4);
    }

    @Test
    void errorPositionIsExactForOneLineConditions() {
        LoadResult plain = Rules.load("- rule: R\n  desc: d\n  condition: evt.type = open and (proc.name = x\n  output: o\n  priority: INFO\n");
        Diagnostic d = LoaderTest.onlyError(plain);
        assertEquals(3, d.line());
        assertEquals(14 + 34, d.column(), d::toString);
        LoadResult quoted = Rules.load("- rule: R\n  desc: d\n  condition: \"evt.type = open and proc.name ~ x\"\n  output: o\n  priority: INFO\n");
        assertEquals(15 + 30, LoaderTest.onlyError(quoted).column(), quoted.errors()::toString);
        LoadResult folded = Rules.load("- rule: R\n  desc: d\n  condition: >\n    evt.type = open and\n    (proc.name = x\n  output: o\n  priority: INFO\n");
        assertEquals(3, LoaderTest.onlyError(folded).line(), folded.errors()::toString);
    }

    @Test
    void skipIfUnknownFilterDropsTheRuleWithAWarning() {
        LoadResult r = Rules.load(Rules.rule("R", "evt.type = open and proc.nme = x", "x") + "  skip-if-unknown-filter: true\n");
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertTrue(r.ruleSet().orElseThrow().rules().isEmpty());
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_UNKNOWN_FILTER")));
    }
}
