package dev.peregrine.rules;

import dev.peregrine.rules.condition.EventTypes;
import dev.peregrine.rules.condition.Parser;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event-type sets computed from conditions: and = ∩, or = ∪, negation by De Morgan. */
class EventTypesTest {
    static EventTypes types(String condition) {
        return EventTypes.of(Parser.parse(condition));
    }

    static EventTypes finite(String... names) {
        return new EventTypes(false, Set.of(names));
    }

    static EventTypes allBut(String... names) {
        return new EventTypes(true, Set.of(names));
    }

    @Test
    void basicSets() {
        assertEquals(finite("open"), types("evt.type = open"));
        assertEquals(finite("open", "openat"), types("evt.type in (open, openat) and proc.name = cat"));
        assertEquals(finite("open", "execve"), types("evt.type = open or evt.type = execve"));
        assertEquals(finite(), types("evt.type = open and evt.type = execve"));
        assertEquals(EventTypes.ALL, types("proc.name = cat"));
        assertEquals(finite("open"), types("proc.name = cat and evt.type = open"));
        assertEquals(EventTypes.ALL, types("proc.name = cat or evt.type = open"));
    }

    @Test
    void negation() {
        assertEquals(allBut("open", "openat"), types("not evt.type in (open, openat)"));
        assertEquals(allBut("open"), types("evt.type != open"));
        assertEquals(finite("open"), types("not evt.type != open"));
        // not (a and b) = not a or not b
        assertEquals(EventTypes.ALL, types("not (evt.type = open and proc.name = cat)"));
        assertEquals(allBut("open"), types("not (evt.type = open and evt.num > 0) and not evt.type = open"));
        // not (a or b) = not a and not b
        assertEquals(allBut("open", "execve"), types("not (evt.type = open or evt.type = execve)"));
        assertEquals(finite("openat"), types("evt.type in (open, openat) and not evt.type = open"));
        assertEquals(EventTypes.ALL, types("not proc.name = cat"));
    }

    @Test
    void neverTrue() {
        assertEquals(finite(), types("evt.num = 0"));
        assertEquals(finite(), types("evt.type = open and evt.num = 0"));
        assertEquals(EventTypes.ALL, types("not evt.num = 0"));
    }

    @Test
    void warnsForRulesWithoutTypeRestriction() {
        LoadResult r = Rules.load(Rules.rule("R", "proc.name = cat", "x"));
        assertTrue(r.ok());
        assertTrue(r.warnings().stream().anyMatch(w -> w.code().equals("LOAD_NO_EVTTYPE") && w.line() == 1));
        LoadResult off = Rules.load(Rules.rule("R", "proc.name = cat", "x") + "  warn_evttypes: false\n");
        assertTrue(off.warnings().isEmpty(), off.warnings()::toString);
    }

    @Test
    void upstreamStableEventTypes() {
        RuleSet rs = RuleLoader.load(SharedRules.files(SharedRules.STABLE)).ruleSet().orElseThrow();
        assertEquals(finite("open", "openat", "openat2"), rs.rule("Read sensitive file untrusted").orElseThrow().eventTypes());
        assertEquals(finite("execve", "execveat"), rs.rule("Terminal shell in container").orElseThrow().eventTypes());
        assertEquals(finite("connect", "sendto", "sendmsg"), rs.rule("Disallowed SSH Connection Non Standard Port").orElseThrow().eventTypes());
        assertEquals(finite("dup", "dup2", "dup3"), rs.rule("Redirect STDOUT/STDIN to Network Connection in Container").orElseThrow().eventTypes());
        assertEquals(finite("init_module", "finit_module"), rs.rule("Linux Kernel Module Injection Detected").orElseThrow().eventTypes());
        assertEquals(finite("ptrace"), rs.rule("PTRACE anti-debug attempt").orElseThrow().eventTypes());
        assertEquals(finite("socket"), rs.rule("Packet socket created in container").orElseThrow().eventTypes());
        assertEquals(Set.of("execve", "execveat", "open", "openat", "openat2", "connect", "sendto", "sendmsg", "socket",
                        "dup", "dup2", "dup3", "symlink", "symlinkat", "link", "linkat", "init_module", "finit_module", "ptrace"),
                rs.namedEventTypes());
        assertTrue(rs.rules().stream().noneMatch(r -> r.eventTypes().complement()));
    }
}
