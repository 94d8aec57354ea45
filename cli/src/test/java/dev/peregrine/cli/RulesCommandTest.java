package dev.peregrine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code peregrine rules validate|list|eval} on the upstream Falco rules and on broken files. */
class RulesCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    static Path root() {
        return Path.of(System.getProperty("peregrine.root", "."));
    }

    /** An upstream rules file, from {@code peregrine.rules.dir} (the build sets it to ../shared/falco-rules). */
    static String upstream(String name) {
        Path file = Path.of(System.getProperty("peregrine.rules.dir", "../../shared/falco-rules")).normalize().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("upstream rules not found: " + file + " (system property peregrine.rules.dir)");
        }
        return file.toString();
    }

    @Test
    void validatesUpstreamFilesInOrder() {
        assertEquals(0, run("rules", "validate", upstream("falco_rules.yaml")));
        assertTrue(out.toString().contains("ok: 1 file, 25 rules (25 enabled), 87 macros, 49 lists"), out.toString());
        assertEquals(0, run("rules", "validate", upstream("falco_rules.yaml"), upstream("falco-incubating_rules.yaml"),
                upstream("falco-sandbox_rules.yaml")));
        assertTrue(out.toString().contains("ok: 3 files, 93 rules (81 enabled)"), out.toString());
    }

    @Test
    void invalidFileExitsOneWithPositionAndCode(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "- macro: m\n  condition: evt.type = open\n- rule: R\n  desc: d\n  condition: m and (proc.name = x\n"
                + "  output: o\n  priority: WARNING\n");
        assertEquals(1, run("rules", "validate", bad.toString()));
        assertTrue(err.toString().contains(bad + ":5:34: error LOAD_ERR_COMPILE_CONDITION: expected a ')' token"), err.toString());
        assertTrue(err.toString().contains("invalid: 1 error"), err.toString());
        assertEquals(2, run("rules", "validate", dir.resolve("missing.yaml").toString()));
        assertTrue(err.toString().contains("missing.yaml: no such file"), err.toString());
    }

    @Test
    void listsRulesAsJsonWithEventTypesAndPerFileCounts() {
        assertEquals(0, run("rules", "list", "--json", upstream("falco_rules.yaml"), upstream("falco-incubating_rules.yaml"),
                upstream("falco-sandbox_rules.yaml")));
        String json = out.toString();
        assertTrue(json.contains("\"rules_by_file\":{\"" + upstream("falco_rules.yaml") + "\":25,\"" + upstream("falco-incubating_rules.yaml")
                + "\":31,\"" + upstream("falco-sandbox_rules.yaml") + "\":37}"), json);
        assertTrue(json.contains("{\"name\":\"Read sensitive file untrusted\",\"priority\":\"Warning\",\"enabled\":true"), json);
        assertTrue(json.contains("\"event_types\":[\"open\",\"openat\",\"openat2\"]"), json);
    }

    @Test
    void evalPrintsFalcoJsonAlerts() {
        Path events = root().resolve("rules/src/test/resources/events/stable-sample.jsonl");
        assertEquals(0, run("rules", "eval", upstream("falco_rules.yaml"), "--events", events.toString(), "--hostname", "h1"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(14, lines.size(), out.toString());
        assertTrue(lines.getFirst().startsWith("{\"hostname\":\"h1\",\"output\":\"21:30:50.001000000: Warning Sensitive file opened"), lines.getFirst());
        assertTrue(lines.getFirst().contains("\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\""), lines.getFirst());
        assertTrue(err.toString().contains("22 events, 14 alerts, 25 rules selected"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("rules", "eval", upstream("falco_rules.yaml"), "--events", events.toString(), "--min-priority", "critical"));
        assertEquals(2, out.toString().lines().count(), out.toString());
    }
}
