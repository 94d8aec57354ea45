package dev.peregrine.capture;

import java.util.Locale;

/**
 * Whether the tracer thread and the workload share one CPU. Each ptrace stop is two context
 * switches between the tracee and the tracer; on the same CPU they are plain switches, across
 * CPUs each is a wake-up of another (often idle) CPU, which on a VM costs an inter-processor
 * interrupt and tens of microseconds. Sharing a CPU takes parallelism from a multi-threaded
 * workload, hence {@link #AUTO}.
 */
public enum CpuPinning {
    /** Never touch affinity. */
    OFF,
    /** Tracer and workload stay on one CPU for the whole run. */
    ON,
    /**
     * Start on one CPU; spread the workload (and the tracer) back over every allowed CPU while it
     * makes few trapped calls, and gather it again when the stop rate rises.
     */
    AUTO;

    /** The environment variable that chooses the mode: {@code off}, {@code on} or {@code auto} (the default). */
    public static final String ENV = "PEREGRINE_CAPTURE_PIN";

    /** The mode {@link #ENV} asks for; {@link #AUTO} when it is unset or empty. */
    public static CpuPinning fromEnvironment() {
        return parse(System.getenv(ENV));
    }

    /** {@code off}, {@code on} or {@code auto} (any case); null or blank is {@link #AUTO}. */
    public static CpuPinning parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "off", "0", "false", "no" -> OFF;
            case "on", "1", "true", "yes" -> ON;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(ENV + ": expected off, on or auto, got '" + value + "'");
        };
    }
}
