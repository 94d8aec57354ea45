package dev.peregrine.rules;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading never throws and never reports an internal error, whatever the input. */
class RobustnessTest {
    @Test
    void mutatedUpstreamFilesGiveDiagnosticsNotExceptions() {
        String stable = SharedRules.file(SharedRules.STABLE).content();
        String piece = String.join("\n", stable.lines().limit(400).toList());
        Random rnd = new Random(7);
        String alphabet = " \n:-[]{}()'\"%,=!<>&*|#\t\\abc";
        for (int i = 0; i < 150; i++) {
            StringBuilder sb = new StringBuilder(piece);
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits; k++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> sb.setLength(at);
                }
            }
            LoadResult r = RuleLoader.load(List.of(new RulesFile("m" + i + ".yaml", sb.toString())));
            assertTrue(r.diagnostics().stream().noneMatch(d -> d.message().startsWith("internal error")),
                    () -> "internal error: " + r.errors());
            for (Diagnostic d : r.errors()) {
                assertTrue(d.line() > 0 || d.code().equals("LOAD_ERR_YAML_PARSE"), d::toString);
            }
        }
    }

    @Test
    void oddButValidYaml() {
        assertTrue(RuleLoader.load(List.of(new RulesFile("e.yaml", ""))).ok());
        assertTrue(RuleLoader.load(List.of(new RulesFile("e.yaml", "---\n---\n- ~\n"))).ok());
        assertFalse(RuleLoader.load(List.of(new RulesFile("e.yaml", "- rule: [a]\n"))).ok());
        assertFalse(RuleLoader.load(List.of(new RulesFile("e.yaml", "- {? [a] : b}\n"))).ok());
        assertFalse(RuleLoader.load(List.of(new RulesFile("e.yaml", "- &a [*a]\n"))).ok());
        assertFalse(RuleLoader.load(List.of(new RulesFile("e.yaml", "- list: l\n  items: [[a]]\n"))).ok());
    }
}
