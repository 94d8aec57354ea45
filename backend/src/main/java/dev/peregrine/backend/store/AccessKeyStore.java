package dev.peregrine.backend.store;

import dev.peregrine.backend.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access keys for orchestrators. Only the SHA-256 of a key is stored; the key itself is shown
 * once, in the answer to its creation.
 */
public final class AccessKeyStore {
    public static final String KEY_PREFIX = "pgk_";
    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    public record AccessKey(String id, String name, String keyPrefix, Instant createdAt, Instant lastUsedAt,
                            Instant revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    /** A new key and its secret, which exists nowhere else after this answer. */
    public record CreatedKey(AccessKey key, String secret) {
    }

    private final Database db;
    private final ConcurrentHashMap<String, Instant> lastTouched = new ConcurrentHashMap<>();

    public AccessKeyStore(Database db) {
        this.db = db;
    }

    public CreatedKey create(String name, Instant now) {
        String secret = Secrets.generate(KEY_PREFIX);
        String id = "ak_" + Secrets.generate("").substring(0, 16);
        String prefix = secret.substring(0, KEY_PREFIX.length() + 6);
        Jdbc.transaction(db, c -> Jdbc.update(c,
                "INSERT INTO access_keys (id, name, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)",
                id, name, Secrets.hash(secret), prefix, now));
        return new CreatedKey(new AccessKey(id, name, prefix, now, null, null), secret);
    }

    private static final String SELECT = "SELECT id, name, key_prefix, created_at, last_used_at, revoked_at FROM access_keys";

    private static AccessKey row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new AccessKey(rs.getString(1), rs.getString(2), rs.getString(3), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "last_used_at"), Jdbc.instant(rs, "revoked_at"));
    }

    public List<AccessKey> list() {
        return Jdbc.read(db, c -> Jdbc.query(c, SELECT + " ORDER BY created_at, id", AccessKeyStore::row));
    }

    public Optional<AccessKey> get(String id) {
        return Jdbc.read(db, c -> Jdbc.query(c, SELECT + " WHERE id = ?", AccessKeyStore::row, id)).stream().findFirst();
    }

    /** Marks the key revoked; answers false when no key has this id. Revoking twice keeps the first time. */
    public boolean revoke(String id, Instant now) {
        return Jdbc.transaction(db, c -> {
            int n = Jdbc.update(c, "UPDATE access_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id);
            return n > 0 || !Jdbc.query(c, "SELECT 1 FROM access_keys WHERE id = ?", rs -> 1, id).isEmpty();
        });
    }

    /** The key this secret belongs to, revoked or not; empty when it is no key of ours. */
    public Optional<AccessKey> find(String secret, Instant now) {
        if (!secret.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        String hash = Secrets.hash(secret);
        record Row(AccessKey key, String hash) {
        }
        List<Row> rows = Jdbc.read(db, c -> Jdbc.query(c,
                "SELECT id, name, key_prefix, created_at, last_used_at, revoked_at, key_hash FROM access_keys WHERE key_hash = ?",
                rs -> new Row(new AccessKey(rs.getString(1), rs.getString(2), rs.getString(3),
                        Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "last_used_at"),
                        Jdbc.instant(rs, "revoked_at")), rs.getString(7)), hash));
        Optional<AccessKey> found = rows.stream().filter(r -> Secrets.matches(secret, r.hash())).map(Row::key).findFirst();
        found.filter(k -> !k.revoked()).ifPresent(k -> touch(k.id(), now));
        return found;
    }

    // last_used_at is informative; writing it on every ingest request would cost a write per batch.
    private void touch(String id, Instant now) {
        Instant before = lastTouched.get(id);
        if (before != null && Duration.between(before, now).compareTo(TOUCH_INTERVAL) < 0) {
            return;
        }
        lastTouched.put(id, now);
        Jdbc.transaction(db, c -> Jdbc.update(c, "UPDATE access_keys SET last_used_at = ? WHERE id = ?", now, id));
    }
}
