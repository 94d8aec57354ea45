package dev.peregrine.rules;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.condition.Parser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every upstream rule's printed condition parses back to the tree it was printed from. */
class RoundTripTest {
    @Test
    void everyUpstreamConditionReparsesToAnEqualTree() {
        LoadResult r = RuleLoader.load(List.of(SharedRules.file(SharedRules.STABLE),
                SharedRules.file(SharedRules.INCUBATING), SharedRules.file(SharedRules.SANDBOX)));
        assertTrue(r.ok(), r.diagnostics().toString());
        List<Rule> rules = r.ruleSet().orElseThrow().rules();
        assertTrue(rules.size() > 80, "rules: " + rules.size());
        List<String> failures = new ArrayList<>();
        for (Rule rule : rules) {
            assertEquals(rule.condition(), rule.resolved().toString(), rule.name());
            try {
                Ast back = Parser.parse(rule.condition());
                if (!withoutPositions(back).equals(withoutPositions(rule.resolved()))) {
                    failures.add(rule.name() + ": reparsed to a different tree: " + back);
                }
            } catch (RuntimeException e) {
                failures.add(rule.name() + ": " + e.getMessage() + " in " + rule.condition());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void valuesTheBareLexerWouldSplitAreQuoted() {
        for (String value : List.of("", "a,b", "f(x)", "k=v", "a b", "x'y", "q\"r", "tab\there", "\\", "ends\\", "\\\"")) {
            Ast.Check c = new Ast.Check(new Ast.Field("proc.name", null), "=", new Ast.Value(value), 0);
            Ast back = Parser.parse(c.toString());
            assertEquals(withoutPositions(c), withoutPositions(back), c.toString());
            Ast.Check in = new Ast.Check(new Ast.Field("proc.name", null), "in",
                    new Ast.ValueList(List.of(value, "z")), 0);
            assertEquals(withoutPositions(in), withoutPositions(Parser.parse(in.toString())), in.toString());
        }
        assertFalse(new Ast.Value("plain/path*").toString().startsWith("\""), "plain values stay bare");
    }

    /** The tree with every position set to 0: positions depend on the text, not the meaning. */
    static Ast withoutPositions(Ast a) {
        return switch (a) {
            case Ast.And and -> new Ast.And(and.children().stream().map(RoundTripTest::withoutPositions).toList(), 0);
            case Ast.Or or -> new Ast.Or(or.children().stream().map(RoundTripTest::withoutPositions).toList(), 0);
            case Ast.Not not -> new Ast.Not(withoutPositions(not.child()), 0);
            case Ast.Identifier id -> new Ast.Identifier(id.name(), 0);
            case Ast.Check c -> new Ast.Check(c.left(), c.op(), c.right(), 0);
        };
    }
}
