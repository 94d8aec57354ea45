package dev.peregrine.capture;

/** The workload could not be started under the tracer; the message says why and what to do. */
public final class CaptureException extends Exception {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
