package dev.peregrine.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolVersionTest {
    @Test
    void sameMajorIsCompatible() {
        assertTrue(ProtocolVersion.parse("1.3").isCompatibleWith(ProtocolVersion.parse("1")));
        assertFalse(ProtocolVersion.parse("2.0").isCompatibleWith(ProtocolVersion.CURRENT));
    }

    @Test
    void parsesAndRejectsWithAClearMessage() {
        assertEquals(new ProtocolVersion(1, 2), ProtocolVersion.parse(" 1.2 "));
        var error = assertThrows(IllegalArgumentException.class, () -> ProtocolVersion.parse("one"));
        assertTrue(error.getMessage().contains("'one'"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolVersion.parse("0.9"));
    }
}
