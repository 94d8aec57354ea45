package dev.peregrine.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartingPolicyTest {
    @Test
    void defaultsToAvailability() {
        assertEquals(StartingPolicy.AVAILABILITY, StartingPolicy.fromEnvironment(null));
        assertEquals(StartingPolicy.AVAILABILITY, StartingPolicy.fromEnvironment(" "));
        assertEquals(StartingPolicy.SECURITY, StartingPolicy.fromEnvironment("Security"));
    }

    @Test
    void invalidValueNamesTheVariableAndTheChoices() {
        var error = assertThrows(IllegalArgumentException.class, () -> StartingPolicy.fromEnvironment("strict"));
        assertTrue(error.getMessage().contains("PEREGRINE_PRIORITY"));
        assertTrue(error.getMessage().contains("availability"));
    }
}
