package dev.peregrine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertIdTest {
    @Test
    void isAVersion7UuidCarryingTheCurrentTime() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(AlertId.next());
        long after = System.currentTimeMillis();
        assertEquals(7, id.version());
        assertEquals(2, id.variant(), "RFC 9562 variant (binary 10)");
        long t = AlertId.unixMillis(id);
        assertTrue(t >= before && t <= after, t + " not within " + before + ".." + after);
    }

    @Test
    void laterMillisecondsSortLaterAsText() {
        SplittableRandom random = new SplittableRandom(1);
        String earlier = AlertId.uuid7(1_764_000_000_000L, random).toString();
        String later = AlertId.uuid7(1_764_000_000_001L, random).toString();
        assertTrue(earlier.compareTo(later) < 0, earlier + " should sort before " + later);
        // a second later: the text order is the time order even across hex digit boundaries
        assertTrue(AlertId.uuid7(0x0FFF_FFFF_FFFFL, random).toString().compareTo(AlertId.uuid7(0x1000_0000_0000L, random).toString()) < 0);
    }

    @Test
    void idsOfOneMillisecondDoNotRepeat() {
        SplittableRandom random = new SplittableRandom(2);
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(AlertId.uuid7(1_764_000_000_000L, random)), "repeated id after " + i);
        }
    }

    @Test
    void threadsDrawDifferentSequences() throws Exception {
        Set<String> seen = java.util.Collections.synchronizedSet(new HashSet<>());
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    seen.add(AlertId.next());
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(40_000, seen.size());
    }
}
