package dev.peregrine.protocol;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * New alert ids: UUID version 7 (RFC 9562), i.e. 48 bits of Unix milliseconds followed by 74
 * random bits. Ids made later sort later, so the stores' unique index on {@code id} grows at its
 * right edge instead of splitting pages all over a B-tree, as random (version 4) ids make it do.
 *
 * <p>The random bits come from a generator seeded once per thread from {@link SecureRandom}:
 * two agents must not share a sequence (the backend would drop one agent's alert as a
 * duplicate of the other's), but a fresh secure draw per id is not needed for that.
 */
public final class AlertId {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));

    private AlertId() {
    }

    /** A new id in the canonical text form, e.g. {@code 019ac8e2-4f3b-7a1c-9d2e-0b1c2d3e4f50}. */
    public static String next() {
        return uuid7(System.currentTimeMillis(), RANDOM.get()).toString();
    }

    static UUID uuid7(long unixMillis, SplittableRandom random) {
        long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The Unix milliseconds an id of this kind was made at. */
    public static long unixMillis(UUID id) {
        if (id.version() != 7) {
            throw new IllegalArgumentException("not a version 7 UUID: " + id);
        }
        return id.getMostSignificantBits() >>> 16;
    }
}
