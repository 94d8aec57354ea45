package dev.peregrine.rules;

import dev.peregrine.rules.eval.CompileException;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.output.Alert;
import dev.peregrine.rules.output.OutputFormat;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %field formatting, <NA>, widths, typed output fields and Falco's JSON alert. */
class OutputTest {
    static final EventRecord OPEN = EvaluationTest.OPEN;

    @Test
    void fieldsAreTakenAsTheLongestPrefixThatIsAField() {
        OutputFormat f = OutputFormat.compile("file=%fd.name (user=%user.name) %proc.aname[2]/%proc.pname. %evt.arg.flags!");
        assertEquals("file=/etc/shadow (user=alice) sshd/sudo. O_RDONLY|O_CLOEXEC!", f.render(OPEN));
        assertEquals(List.of("fd.name", "user.name", "proc.aname[2]", "proc.pname", "evt.arg.flags"), f.fieldNames());
        // "%proc.name_x" is not a field; proc.name is, and "_x" stays text.
        assertEquals("bash_x", OutputFormat.compile("%proc.name_x").render(OPEN));
    }

    @Test
    void missingValuesPrintNA() {
        OutputFormat f = OutputFormat.compile("ip=%fd.sip img=%container.image.repository id=%container.id");
        assertEquals("ip=<NA> img=<NA> id=host", f.render(OPEN));
        Map<String, Object> fields = f.fields(OPEN);
        assertTrue(fields.containsKey("fd.sip"));
        assertEquals(null, fields.get("fd.sip"));
        assertEquals("host", fields.get("container.id"));
    }

    @Test
    void widthPadsAndTruncates() {
        assertEquals("[bash    ][/etc]", OutputFormat.compile("[%8proc.name][%4fd.name]").render(OPEN));
    }

    @Test
    void transformersAndTimes() {
        assertEquals("BASH shadow", OutputFormat.compile("%toupper(proc.name) %basename(fd.name)").render(OPEN));
        assertEquals("21:30:50.123456789 2025-11-28T21:30:50.123456789Z",
                OutputFormat.compile("%evt.time %evt.time.iso8601").render(OPEN));
    }

    @Test
    void outputFieldsAreTyped() {
        Map<String, Object> fields = OutputFormat.compile("%proc.pid %proc.name %evt.is_open_read %user.uid %proc.tty").fields(OPEN);
        assertEquals(100L, fields.get("proc.pid"));
        assertEquals("bash", fields.get("proc.name"));
        assertEquals(Boolean.TRUE, fields.get("evt.is_open_read"));
        assertEquals(1000L, fields.get("user.uid"));
        assertEquals(34816L, fields.get("proc.tty"));
    }

    @Test
    void badTokensAreErrors() {
        CompileException e = assertThrows(CompileException.class, () -> OutputFormat.compile("x %proc.nme y"));
        assertTrue(e.getMessage().contains("nonexistent field proc.nme"), e.getMessage());
        assertEquals(2, e.offset());
        assertThrows(CompileException.class, () -> OutputFormat.compile("trailing %"));
    }

    @Test
    void falcoJsonAlert() {
        Alert a = new Alert("Read sensitive file untrusted", Priority.WARNING, "syscall", List.of("T1555", "filesystem"),
                1_764_365_450_123_456_789L, "Sensitive file opened | file=/etc/shadow",
                new LinkedHashMap<>(Map.of("fd.name", "/etc/shadow")), "ip-10-0-0-1");
        assertEquals("{\"hostname\":\"ip-10-0-0-1\",\"output\":\"21:30:50.123456789: Warning Sensitive file opened | file=/etc/shadow\","
                        + "\"output_fields\":{\"evt.time\":1764365450123456789,\"fd.name\":\"/etc/shadow\"},\"priority\":\"Warning\","
                        + "\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":[\"T1555\",\"filesystem\"],"
                        + "\"time\":\"2025-11-28T21:30:50.123456789Z\"}",
                a.toJson());
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("fd.sip", null);
        withNull.put("note", "a \"quoted\"\ttab");
        String json = new Alert("R", Priority.INFORMATIONAL, "syscall", List.of(), 0, "m", withNull, "h").toJson();
        assertTrue(json.contains("\"fd.sip\":null") && json.contains("\"note\":\"a \\\"quoted\\\"\\ttab\""), json);
        assertTrue(json.contains("\"priority\":\"Informational\""), json);
    }

    @Test
    void ruleAlertCarriesRenderedOutput() {
        Rule r = Rules.compile("evt.type = openat and fd.name = /etc/shadow");
        LoadResult res = Rules.load(Rules.rule("R", "evt.type = openat", "opened %fd.name by %proc.name (%user.loginname)") + "  tags: [b, a, b]\n");
        Alert a = res.ruleSet().orElseThrow().rules().getFirst().alert(OPEN, "host1");
        assertEquals("opened /etc/shadow by bash (<NA>)", a.message());
        // Tags are a sorted set, as in Falco.
        assertEquals(Arrays.asList("a", "b"), a.tags());
        assertTrue(a.toJson().contains("\"user.loginname\":null"), a.toJson());
        assertTrue(r.matches(OPEN));
    }
}
