package dev.peregrine.backend.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The counter every change to rules files or policies increments, in the same transaction. */
public final class BundleRevision {
    private final Database db;

    public BundleRevision(Database db) {
        this.db = db;
    }

    static void bump(Connection c) throws SQLException {
        Jdbc.update(c, "UPDATE bundle_revision SET revision = revision + 1 WHERE id = 1");
    }

    public long current() {
        return Jdbc.read(db, c -> Jdbc.query(c, "SELECT revision FROM bundle_revision WHERE id = 1",
                rs -> rs.getLong(1)).getFirst());
    }
}
