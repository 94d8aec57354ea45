package dev.peregrine.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {
    @Test
    void generatedSecretsAreUniqueAndPrefixed() {
        String a = Secrets.generate("pk_");
        String b = Secrets.generate("pk_");
        assertTrue(a.startsWith("pk_"));
        assertEquals(3 + 43, a.length());
        assertNotEquals(a, b);
    }

    @Test
    void onlyTheRightSecretMatchesItsHash() {
        String secret = Secrets.generate("pk_");
        String stored = Secrets.hash(secret);
        assertEquals(64, stored.length());
        assertTrue(Secrets.matches(secret, stored));
        assertFalse(Secrets.matches(secret + "x", stored));
        assertFalse(Secrets.matches("", stored));
    }
}
