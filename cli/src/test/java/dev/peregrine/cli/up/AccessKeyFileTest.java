package dev.peregrine.cli.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsOnceReusesThenReplacesARevokedOrUnknownKey() throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dir), new SimpleMeterRegistry())) {
            Path file = dir.resolve(UpCommand.ACCESS_KEY_FILE);
            Instant now = Instant.parse("2026-11-28T12:00:00Z");

            AccessKeyFile.Result first = AccessKeyFile.obtain(file, db, now);
            assertTrue(first.created());
            assertTrue(first.secret().startsWith(AccessKeyStore.KEY_PREFIX));
            assertEquals(first.secret(), Files.readString(file).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            AccessKeyFile.Result second = AccessKeyFile.obtain(file, db, now);
            assertFalse(second.created());
            assertEquals(first.secret(), second.secret());

            AccessKeyStore keys = new AccessKeyStore(db);
            keys.revoke(keys.find(first.secret(), now).orElseThrow().id(), now);
            AccessKeyFile.Result third = AccessKeyFile.obtain(file, db, now);
            assertTrue(third.created(), "a revoked key is replaced");
            assertNotEquals(first.secret(), third.secret());

            Files.writeString(file, "pgk_not-a-key-of-this-database\n");
            assertTrue(AccessKeyFile.obtain(file, db, now).created(), "a key from another database is replaced");
            assertEquals(3, keys.list().size());
        }
    }

    @Test
    void theAdminTokenIsTakenFromTheBackendsAnnouncement() {
        assertEquals(Optional.of("pga_abc-DEF_123"),
                UpCommand.adminToken("Peregrine admin token (shown once, keep it safe): pga_abc-DEF_123\n"));
        assertEquals(Optional.empty(), UpCommand.adminToken(""));
    }
}
