package dev.peregrine.rules;

import dev.peregrine.rules.event.EventJson;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.output.Alert;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written events replayed through the unchanged upstream stable rules fire exactly the expected rules. */
class UpstreamReplayTest {
    static String resource(String name) throws IOException {
        try (InputStream in = UpstreamReplayTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void stableRulesFireOnTheirEventsAndOnlyThere() throws IOException {
        RuleSet rs = RuleLoader.load(SharedRules.files(SharedRules.STABLE)).ruleSet().orElseThrow();
        List<EventRecord> events = EventJson.parseLines(resource("stable-sample.jsonl"), "stable-sample.jsonl");
        List<String> expected = resource("stable-sample.expected").lines().toList();
        assertEquals(expected.size(), events.size());
        RuleSet.Evaluator all = rs.select(Selection.defaults().withMatching(Selection.Matching.ALL));
        List<String> fired = new ArrayList<>();
        for (EventRecord e : events) {
            List<Rule> m = all.matches(e);
            fired.add(String.join(",", m.stream().map(Rule::name).toList()));
        }
        assertEquals(expected, fired);
        assertTrue(expected.stream().filter(s -> !s.isEmpty()).count() >= 14);
    }

    @Test
    void alertsCarryFalcoOutput() throws IOException {
        RuleSet rs = RuleLoader.load(SharedRules.files(SharedRules.STABLE)).ruleSet().orElseThrow();
        EventRecord open = EventJson.parseLines(resource("stable-sample.jsonl"), "x").getFirst();
        Alert a = rs.evaluator().alerts(open, "h").getFirst();
        assertEquals("Read sensitive file untrusted", a.rule());
        assertTrue(a.message().startsWith("Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=containerd-shim ggparent=<NA>"), a.message());
        assertEquals("/etc/shadow", a.outputFields().get("fd.name"));
        assertEquals(0L, a.outputFields().get("user.uid"));
        assertEquals(null, a.outputFields().get("proc.aname[3]"));
        assertTrue(a.tags().contains("maturity_stable"), a.tags()::toString);
    }

    @Test
    void allThreeFilesCompileAndEvaluate() throws IOException {
        RuleSet rs = RuleLoader.load(SharedRules.files(SharedRules.STABLE, SharedRules.INCUBATING, SharedRules.SANDBOX)).ruleSet().orElseThrow();
        RuleSet.Evaluator ev = rs.select(Selection.defaults().withMatching(Selection.Matching.ALL));
        for (EventRecord e : EventJson.parseLines(resource("stable-sample.jsonl"), "x")) {
            ev.alerts(e, "h");
        }
        assertEquals(81, ev.rules().size());
    }

    @Test
    void malformedEventsNameLineAndKey() {
        var e = assertThrows(EventJson.EventFormatException.class,
                () -> EventJson.parseLines("{\"type\":\"open\"}\n{\"type\":\"open\",\"thread\":{\"pid\":\"x\"}}\n", "ev.jsonl"));
        assertEquals("ev.jsonl:2: thread.pid: expected an integer, got x", e.getMessage());
        var unknown = assertThrows(EventJson.EventFormatException.class, () -> EventJson.parseLines("{\"typ\":\"open\"}", "ev.jsonl"));
        assertTrue(unknown.getMessage().startsWith("ev.jsonl:1: event: unknown key 'typ'"), unknown.getMessage());
        var json = assertThrows(EventJson.EventFormatException.class, () -> EventJson.parseLines("{\"type\":", "ev.jsonl"));
        assertTrue(json.getMessage().startsWith("ev.jsonl:1: not valid JSON"), json.getMessage());
    }
}
