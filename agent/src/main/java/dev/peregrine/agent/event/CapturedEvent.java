package dev.peregrine.agent.event;

import dev.peregrine.capture.Param;
import dev.peregrine.capture.SyscallEntry;
import dev.peregrine.rules.event.ContainerInfo;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.event.FdInfo;
import dev.peregrine.rules.event.ThreadInfo;
import dev.peregrine.rules.field.Extractor;

import java.util.ArrayList;
import java.util.List;

/**
 * The one adapter from capture's records to the rules engine's {@link Event}: every field the
 * field table reads is answered from the capture record, nothing is copied ahead of time.
 * {@link #of} reads an event at its exit (what Falco sees); {@link #atEntry} reads a call before it
 * runs, for {@code deny} policies: the result and the created descriptor are missing then, so a
 * rule that needs them cannot match at entry.
 */
public final class CapturedEvent implements Event {
    private final String type;
    private final long number;
    private final long timeNanos;
    private final Long result;
    private final List<Param> params;
    private final ThreadInfo thread;
    private final FdInfo fd;
    private final ContainerInfo container;
    private final String hostname;

    private CapturedEvent(String type, long number, long timeNanos, Long result, List<Param> params, ThreadInfo thread,
                          FdInfo fd, ContainerInfo container, String hostname) {
        this.type = type;
        this.number = number;
        this.timeNanos = timeNanos;
        this.result = result;
        this.params = params;
        this.thread = thread;
        this.fd = fd;
        this.container = container;
        this.hostname = hostname;
    }

    /** A capture event as Falco sees it at the call's exit. */
    public static CapturedEvent of(dev.peregrine.capture.Event e, ContainerInfo container, String hostname) {
        ThreadInfo thread = new ProcessThread(e.tid(), e.process(), startNanos(container));
        return switch (e) {
            case dev.peregrine.capture.Event.Syscall s -> new CapturedEvent(s.type(), s.seq(), s.timeNanos(), s.res(),
                    s.params(), thread, s.fd() == null ? null : ResolvedFd.of(s.fd(), s.type(), s.params()), container, hostname);
            case dev.peregrine.capture.Event.Exec x -> new CapturedEvent(x.type(), x.seq(), x.timeNanos(), 0L,
                    x.params(), thread, null, container, hostname);
            case dev.peregrine.capture.Event.Clone c -> new CapturedEvent(c.type(), c.seq(), c.timeNanos(),
                    (long) c.childTid(), List.of(), thread, null, container, hostname);
            case dev.peregrine.capture.Event.Exit x -> new CapturedEvent(x.type(), x.seq(), x.timeNanos(), null,
                    List.of(), thread, null, container, hostname);
        };
    }

    /**
     * A call at its entry. Open calls name the file they ask for (made absolute, as Falco names a
     * failed open) without a descriptor number; {@code connect} names the address it asks for
     * (not yet the tuple its exit event names).
     */
    public static CapturedEvent atEntry(SyscallEntry entry, long timeNanos, ContainerInfo container, String hostname) {
        return new CapturedEvent(entry.name(), 0, timeNanos, null, entry.params(),
                new ProcessThread(entry.tid(), entry.process(), startNanos(container)), entryFd(entry), container, hostname);
    }

    private static long startNanos(ContainerInfo container) {
        return container == null ? 0 : container.startTimeNanos();
    }

    private static FdInfo entryFd(SyscallEntry entry) {
        if (entry.fd() != null) {
            // Capture names the file as the exit event will, without the number.
            return new ResolvedFd(Extractor.MISSING, entry.fd().name(), entry.fd().type(), false, null,
                    ResolvedFd.requestedPath(entry.name(), entry.params()));
        }
        if (!entry.name().equals("connect")) {
            return null;
        }
        String addr = rendered(entry.params(), "addr");
        if (addr == null || addr.isEmpty()) {
            return null;
        }
        String type = addr.startsWith("/") ? "unix" : addr.startsWith("[") || addr.chars().filter(c -> c == ':').count() > 1 ? "ipv6" : "ipv4";
        return new ResolvedFd(Extractor.MISSING, type.equals("unix") ? addr : "->" + addr, type, false);
    }

    private static String rendered(List<Param> params, String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return p.rendered();
            }
        }
        return null;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public long number() {
        return number;
    }

    @Override
    public long timestampNanos() {
        return timeNanos;
    }

    @Override
    public boolean hasResult() {
        return result != null;
    }

    @Override
    public long result() {
        return result == null ? 0 : result;
    }

    @Override
    public List<String> argNames() {
        List<String> names = new ArrayList<>(params.size());
        for (Param p : params) {
            names.add(p.name());
        }
        return names;
    }

    @Override
    public String arg(String name) {
        return rendered(params, name);
    }

    @Override
    public Object rawArg(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return switch (p.raw()) {
                    case null -> null;
                    case Long l -> l;
                    case Number n -> n.longValue();
                    case String s -> s;
                    case byte[] b -> b;
                    case List<?> l -> String.join(" ", l.stream().map(String::valueOf).toList());
                    default -> p.rendered();
                };
            }
        }
        return null;
    }

    @Override
    public ThreadInfo thread() {
        return thread;
    }

    @Override
    public FdInfo fd() {
        return fd;
    }

    @Override
    public ContainerInfo container() {
        return container;
    }

    @Override
    public String hostname() {
        return hostname;
    }
}
