package dev.peregrine.rules;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriorityTest {
    @Test
    void namesAreCaseInsensitiveAndInfoIsInformational() {
        assertEquals(Optional.of(Priority.WARNING), Priority.parse("warning"));
        assertEquals(Optional.of(Priority.CRITICAL), Priority.parse("CRITICAL"));
        assertEquals(Optional.of(Priority.INFORMATIONAL), Priority.parse("Info"));
        assertEquals(Optional.empty(), Priority.parse("severe"));
        assertEquals(Optional.empty(), Priority.parse(null));
    }

    @Test
    void severityOrdersFromEmergencyToDebug() {
        assertTrue(Priority.CRITICAL.atLeast(Priority.WARNING));
        assertTrue(Priority.WARNING.atLeast(Priority.WARNING));
        assertFalse(Priority.NOTICE.atLeast(Priority.WARNING));
        assertEquals("Informational", Priority.INFORMATIONAL.displayName());
    }
}
