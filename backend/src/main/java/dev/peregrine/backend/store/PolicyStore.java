package dev.peregrine.backend.store;

import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Policies, stored as their wire JSON so that the bundle serves exactly what was accepted. */
public final class PolicyStore {
    private final Database db;

    public PolicyStore(Database db) {
        this.db = db;
    }

    public List<Policy> all() {
        return Jdbc.read(db, c -> Jdbc.query(c, "SELECT body FROM policies ORDER BY name",
                rs -> parse(rs.getString(1))));
    }

    public Optional<Policy> get(String name) {
        return Jdbc.read(db, c -> Jdbc.query(c, "SELECT body FROM policies WHERE name = ?",
                rs -> parse(rs.getString(1)), name)).stream().findFirst();
    }

    /** Creates or replaces; answers true when created. */
    public boolean put(Policy policy, Instant now) {
        String body = ProtocolJson.write(policy);
        return Jdbc.transaction(db, c -> {
            boolean created = Jdbc.update(c, "UPDATE policies SET body = ?, updated_at = ? WHERE name = ?",
                    body, now, policy.name()) == 0;
            if (created) {
                Jdbc.update(c, "INSERT INTO policies (name, body, updated_at) VALUES (?, ?, ?)", policy.name(), body, now);
            }
            BundleRevision.bump(c);
            return created;
        });
    }

    public boolean putIfAbsent(Policy policy, Instant now) {
        return Jdbc.transaction(db, c -> {
            if (!Jdbc.query(c, "SELECT 1 FROM policies WHERE name = ?", rs -> 1, policy.name()).isEmpty()) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO policies (name, body, updated_at) VALUES (?, ?, ?)",
                    policy.name(), ProtocolJson.write(policy), now);
            BundleRevision.bump(c);
            return true;
        });
    }

    public boolean delete(String name) {
        return Jdbc.transaction(db, c -> {
            boolean deleted = Jdbc.update(c, "DELETE FROM policies WHERE name = ?", name) > 0;
            if (deleted) {
                BundleRevision.bump(c);
            }
            return deleted;
        });
    }

    private static Policy parse(String body) {
        try {
            return ProtocolJson.read(body, Policy.class);
        } catch (ProtocolException e) {
            throw new IllegalStateException("stored policy no longer parses: " + e.getMessage(), e);
        }
    }
}
