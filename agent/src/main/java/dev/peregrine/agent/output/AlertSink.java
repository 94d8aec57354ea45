package dev.peregrine.agent.output;

import dev.peregrine.protocol.Alert;

import java.time.Duration;

/** Where alerts go. {@link #send} never blocks the caller for long. */
public interface AlertSink extends AutoCloseable {
    void send(Alert alert);

    /** Waits up to {@code timeout} until what was sent is delivered; true when it was. */
    default boolean drain(Duration timeout) {
        return true;
    }

    @Override
    default void close() {
    }
}
