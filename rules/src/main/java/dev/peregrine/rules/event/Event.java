package dev.peregrine.rules.event;

import java.util.List;

/**
 * One system call event (the exit of a call, Falco's only direction since 0.42) as the rules
 * engine reads it. The capture side implements this over its own records; {@link EventRecord}
 * is the engine's own implementation. Absent information is {@code null} (or the documented
 * sentinel), and a rule comparing an absent value is false.
 */
public interface Event {
    /** The event type Falco names it by: the system call name ({@code openat}, {@code execve}, ...). */
    String type();

    /** Sequence number, from 1 ({@code evt.num}). */
    long number();

    /** Nanoseconds since the epoch, UTC. */
    long timestampNanos();

    /** Whether the call has a return value ({@code evt.res}). */
    boolean hasResult();

    /** The return value; negative values are {@code -errno}. Meaningful only when {@link #hasResult()}. */
    long result();

    /** Parameter names in the order Falco lists them (for {@code evt.args} and {@code evt.arg[N]}). */
    List<String> argNames();

    /** A parameter rendered as Falco prints it (flag and enum names, paths, tuples); null when absent. */
    String arg(String name);

    /** A parameter's raw value: a {@link Long}, a {@link String} or a {@code byte[]}; null when absent. */
    Object rawArg(String name);

    /** The thread that made the call; null when unknown. */
    ThreadInfo thread();

    /** The file descriptor the call is about (opened, connected, read...); null when none. */
    FdInfo fd();

    /** The container the thread runs in; null for a host process. */
    ContainerInfo container();

    /** The machine's host name ({@code evt.hostname}); null when unknown. */
    default String hostname() {
        return null;
    }
}
