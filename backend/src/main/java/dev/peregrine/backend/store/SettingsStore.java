package dev.peregrine.backend.store;

import java.util.List;
import java.util.Optional;

/** Named values the backend keeps across restarts: the admin token hash, the retention period. */
public final class SettingsStore {
    private final Database db;

    public SettingsStore(Database db) {
        this.db = db;
    }

    public Optional<String> get(String name) {
        List<String> values = Jdbc.read(db, c -> Jdbc.query(c, "SELECT setting_value FROM settings WHERE name = ?",
                rs -> rs.getString(1), name));
        return values.stream().findFirst();
    }

    public void put(String name, String value) {
        Jdbc.transaction(db, c -> {
            if (Jdbc.update(c, "UPDATE settings SET setting_value = ? WHERE name = ?", value, name) == 0) {
                Jdbc.update(c, "INSERT INTO settings (name, setting_value) VALUES (?, ?)", name, value);
            }
            return null;
        });
    }

    /** Stores the value unless one is there; answers whether this call stored it. */
    public boolean putIfAbsent(String name, String value) {
        return Jdbc.transaction(db, c -> {
            if (!Jdbc.query(c, "SELECT 1 FROM settings WHERE name = ?", rs -> 1, name).isEmpty()) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO settings (name, setting_value) VALUES (?, ?)", name, value);
            return true;
        });
    }
}
