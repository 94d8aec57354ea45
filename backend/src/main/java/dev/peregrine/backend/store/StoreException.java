package dev.peregrine.backend.store;

import java.sql.SQLException;

/** A database failure; the HTTP layer answers 503 and logs it. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database error: " + cause.getMessage(), cause);
    }
}
