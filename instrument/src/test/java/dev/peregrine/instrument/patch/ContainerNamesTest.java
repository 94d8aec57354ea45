package dev.peregrine.instrument.patch;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerNamesTest {
    @Test
    void splitsOnColonsAndSkipsEmptyParts() {
        ContainerNames names = ContainerNames.parse("peregrine-include-containers", "web:: worker_1 :");
        assertEquals(Set.of("web", "worker_1"), names.names());
        assertTrue(names.contains("web"));
    }

    @Test
    void badNameIsAnErrorNamingTheTag() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ContainerNames.parse("peregrine-ignore-containers", "web:a/b"));
        assertTrue(error.getMessage().contains("peregrine-ignore-containers"));
        assertTrue(error.getMessage().contains("'a/b'"));
    }
}
