package dev.peregrine.cli.up;

import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * The orchestrator's access key of {@code peregrine up}, kept in a file of the data directory
 * (owner-only) so that a second start reuses it. A key that the database no longer knows or
 * that was revoked is replaced by a new one.
 */
final class AccessKeyFile {
    static final String KEY_NAME = "peregrine-up";

    record Result(String secret, boolean created) {
    }

    private AccessKeyFile() {
    }

    static Result obtain(Path file, Database db, Instant now) throws IOException {
        AccessKeyStore keys = new AccessKeyStore(db);
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (keys.find(stored, now).filter(k -> !k.revoked()).isPresent()) {
                return new Result(stored, false);
            }
        }
        String secret = keys.create(KEY_NAME, now).secret();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(secret, true);
    }
}
