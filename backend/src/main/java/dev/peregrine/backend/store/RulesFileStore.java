package dev.peregrine.backend.store;

import dev.peregrine.backend.Secrets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Falco rules files, kept in load order. */
public final class RulesFileStore {
    public record StoredRulesFile(String name, String content, int loadOrder, String sha256, Instant updatedAt) {
    }

    private final Database db;

    public RulesFileStore(Database db) {
        this.db = db;
    }

    /** Every file, in load order (then by name). */
    private static final String SELECT = "SELECT name, content, load_order, sha256, updated_at FROM rules_files";

    private static StoredRulesFile row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredRulesFile(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), Jdbc.instant(rs, "updated_at"));
    }

    public List<StoredRulesFile> all() {
        return Jdbc.read(db, c -> Jdbc.query(c, SELECT + " ORDER BY load_order, name", RulesFileStore::row));
    }

    public Optional<StoredRulesFile> get(String name) {
        return Jdbc.read(db, c -> Jdbc.query(c, SELECT + " WHERE name = ?", RulesFileStore::row, name)).stream().findFirst();
    }

    /** Where a new file goes when the caller does not say: after every existing one. */
    public int nextLoadOrder() {
        return Jdbc.read(db, c -> Jdbc.query(c, "SELECT COALESCE(MAX(load_order), 0) FROM rules_files",
                rs -> rs.getInt(1)).getFirst()) + 10;
    }

    /** Creates or replaces a file; answers true when it was created. */
    public boolean put(String name, String content, int loadOrder, Instant now) {
        String sha = Secrets.hash(content);
        return Jdbc.transaction(db, c -> {
            boolean created = Jdbc.update(c,
                    "UPDATE rules_files SET content = ?, load_order = ?, sha256 = ?, updated_at = ? WHERE name = ?",
                    content, loadOrder, sha, now, name) == 0;
            if (created) {
                Jdbc.update(c, "INSERT INTO rules_files (name, content, load_order, sha256, updated_at) VALUES (?, ?, ?, ?, ?)",
                        name, content, loadOrder, sha, now);
            }
            BundleRevision.bump(c);
            return created;
        });
    }

    /** Creates the file only when no file of that name exists (first start). */
    public boolean putIfAbsent(String name, String content, int loadOrder, Instant now) {
        return Jdbc.transaction(db, c -> {
            if (!Jdbc.query(c, "SELECT 1 FROM rules_files WHERE name = ?", rs -> 1, name).isEmpty()) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO rules_files (name, content, load_order, sha256, updated_at) VALUES (?, ?, ?, ?, ?)",
                    name, content, loadOrder, Secrets.hash(content), now);
            BundleRevision.bump(c);
            return true;
        });
    }

    public boolean delete(String name) {
        return Jdbc.transaction(db, c -> {
            boolean deleted = Jdbc.update(c, "DELETE FROM rules_files WHERE name = ?", name) > 0;
            if (deleted) {
                BundleRevision.bump(c);
            }
            return deleted;
        });
    }
}
