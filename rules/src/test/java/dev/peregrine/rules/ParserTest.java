package dev.peregrine.rules;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.condition.ParseException;
import dev.peregrine.rules.condition.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The condition grammar, printed back in Falco's canonical form (libs ast::as_string). */
class ParserTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "evt.type = open | evt.type = open",
            "evt.type=open | evt.type = open",
            "fd.typechar='f' | fd.typechar = f",
            "a and b and c | (a and b and c)",
            "a or b and c | (a or (b and c))",
            "(a or b) and c | ((a or b) and c)",
            "not a | not a",
            "not not a | a",
            "not(a) | not a",
            "a and not b | (a and not b)",
            "a and(b) | (a and b)",
            "proc.name in (bash, sh) | proc.name in (bash, sh)",
            "proc.name in(bash,sh) | proc.name in (bash, sh)",
            "proc.name in () | proc.name in ()",
            "fd.name exists | fd.name exists",
            "proc.aname[2] = sshd | proc.aname[2] = sshd",
            "proc.env[HOME] startswith /root | proc.env[HOME] startswith /root",
            "proc.cmdline contains \"curl 127.0.0.1\" | proc.cmdline contains \"curl 127.0.0.1\"",
            "proc.name = 'it\\'s' | proc.name = \"it's\"",
            "tolower(proc.name) = bash | tolower(proc.name) = bash",
            "proc.name = val(proc.pname) | proc.name = val(proc.pname)",
            "len(proc.args) > 3 | len(proc.args) > 3",
            "basename(toupper(fd.name)) = X | basename(toupper(fd.name)) = X",
            "fd.num >= 0x10 | fd.num >= 0x10",
            "evt.rawres >= -1 | evt.rawres >= -1",
            "fd.name pmatch (/tmp, /var) | fd.name pmatch (/tmp, /var)",
            "proc.name intersects (a) | proc.name intersects (a)",
            "proc.name glob 'ba*' | proc.name glob ba*",
            "evt.buffer bcontains cafebabe | evt.buffer bcontains cafebabe",
            "proc.name regex '^ba.*$' | proc.name regex ^ba.*$",
            "evt.arg.flags contains O_TRUNC | evt.arg.flags contains O_TRUNC",
    })
    void parsesAndPrintsCanonically(String input, String expected) {
        assertEquals(expected, Parser.parse(input).toString());
    }

    @Test
    void blanksIncludeTabsAndNewlines() {
        assertEquals("(a and evt.type = open)", Parser.parse("\ta\n and\r\n evt.type\t=\topen\n").toString());
    }

    @Test
    void quotedStringEscapes() {
        Ast.Check c = (Ast.Check) Parser.parse("proc.name = \"a\\tb\\\"c\\\\d\"");
        assertEquals("a\tb\"c\\d", ((Ast.Value) c.right()).value());
        assertEquals("proc.name = \"a\\tb\\\"c\\\\d\"", c.toString());
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse("proc.name = 'a\\\"b'"));
        assertTrue(e.getMessage().contains("invalid \\\" escape"), e.getMessage());
        assertThrows(ParseException.class, () -> Parser.parse("proc.name = \"a\\qb\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "(a", "a)", "a and", "a or or b", "evt.type = ", "evt.type", "proc.name foo bar", "evt.type contains",
            "proc.name in (a, b", "evt.type === open", "a andb", "proc.aname[2 = x", "evt.num > abc",
            "tolower(42) = a", "proc.name containsx",
    })
    void rejectsMalformedConditions(String input) {
        assertThrows(ParseException.class, () -> Parser.parse(input));
    }

    @Test
    void errorsCarryTheOffset() {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse("evt.type = open and (proc.name = x"));
        assertEquals("expected a ')' token", e.getMessage());
        assertEquals(34, e.offset());
        ParseException op = assertThrows(ParseException.class, () -> Parser.parse("proc.name ~ x"));
        assertTrue(op.getMessage().startsWith("expected a valid check operator"), op.getMessage());
        assertEquals(10, op.offset());
        ParseException trailing = assertThrows(ParseException.class, () -> Parser.parse("a b"));
        assertEquals("unexpected token after 'a', expecting 'or', 'and'", trailing.getMessage());
    }

    @Test
    void operatorsAreCaseSensitive() {
        assertThrows(ParseException.class, () -> Parser.parse("a AND b"));
        assertThrows(ParseException.class, () -> Parser.parse("proc.name IN (a)"));
    }

    @Test
    void depthIsLimited() {
        String deep = "(".repeat(600) + "a" + ")".repeat(600);
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(deep));
        assertTrue(e.getMessage().contains("exceeded max depth limit of 1000"), e.getMessage());
        assertEquals("a", Parser.parse("(".repeat(150) + "a" + ")".repeat(150)).toString());
    }
}
