package dev.peregrine.backend.store;

import java.sql.SQLException;

/** A database failure; the HTTP layer answers 503 and logs it. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database error: " + cause.getMessage(), cause);
    }

    /** SQLSTATE class 22: the data did not fit (too long, out of range), the database itself is fine. */
    public boolean isDataError() {
        return getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22");
    }
}
