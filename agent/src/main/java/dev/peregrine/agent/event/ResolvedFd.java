package dev.peregrine.agent.event;

import dev.peregrine.capture.ArgType;
import dev.peregrine.capture.Param;
import dev.peregrine.rules.event.FdInfo;

/**
 * A descriptor as the rules engine reads it, built from capture's resolved name. Socket names
 * are Falco's {@code client->server} tuples; the side that called {@code connect} is the client,
 * the side that accepted is the server.
 *
 * @param num      the descriptor, or {@link dev.peregrine.rules.field.Extractor#MISSING} when
 *                 not known yet (at syscall entry)
 * @param name     {@code fd.name}
 * @param type     Falco's fd type name
 * @param accepted whether the descriptor came from {@code accept}: the process is the server
 * @param l4proto  {@code fd.l4proto} (tcp, udp, icmp, raw) as capture asked the socket; null when unknown
 * @param nameRaw  {@code fd.nameraw}: the path an open call passed, as passed (relative, with
 *                 {@code ../}); null for descriptors no open call named
 */
public record ResolvedFd(long num, String name, String type, boolean accepted, String l4proto, String nameRaw)
        implements FdInfo {
    /** The calls whose path argument Falco keeps as {@code fd.nameraw}. */
    private static final java.util.Set<String> OPENS = java.util.Set.of("open", "openat", "openat2", "creat");

    public ResolvedFd(long num, String name, String type, boolean accepted) {
        this(num, name, type, accepted, null, null);
    }

    public static ResolvedFd of(dev.peregrine.capture.FdInfo fd, String syscall, java.util.List<Param> params) {
        return new ResolvedFd(fd.num(), fd.name(), fd.type(), syscall.startsWith("accept"), fd.l4proto(),
                requestedPath(syscall, params));
    }

    /** The path argument of an open call as the process passed it; null for other calls. */
    static String requestedPath(String syscall, java.util.List<Param> params) {
        if (!OPENS.contains(syscall)) {
            return null;
        }
        for (Param p : params) {
            if (p.type() == ArgType.PATH && p.raw() instanceof String path) {
                return path;
            }
        }
        return null;
    }

    private boolean socket() {
        return "ipv4".equals(type) || "ipv6".equals(type);
    }

    @Override
    public String nameRaw() {
        return nameRaw != null ? nameRaw : name;
    }

    // Falco's tuples are client->server whichever side the process is; either end may be unknown
    // (empty), as in "->10.0.0.1:80" for a connect still in progress.
    private String client() {
        int arrow = name == null ? -1 : name.indexOf("->");
        return arrow <= 0 ? null : name.substring(0, arrow);
    }

    private String server() {
        int arrow = name == null ? -1 : name.indexOf("->");
        return arrow < 0 || arrow + 2 == name.length() ? null : name.substring(arrow + 2);
    }

    private String remote() {
        return accepted ? client() : server();
    }

    private static String host(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        int colon = endpoint.lastIndexOf(':');
        String h = colon < 0 ? endpoint : endpoint.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static long port(String endpoint) {
        if (endpoint == null) {
            return -1;
        }
        int colon = endpoint.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Long.parseLong(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String clientIp() {
        return socket() ? host(client()) : null;
    }

    @Override
    public long clientPort() {
        return socket() ? port(client()) : -1;
    }

    @Override
    public String serverIp() {
        return socket() ? host(server()) : null;
    }

    @Override
    public long serverPort() {
        return socket() ? port(server()) : -1;
    }

    @Override
    public boolean localIsServer() {
        return accepted;
    }

    @Override
    public boolean connected() {
        return socket() && remote() != null;
    }

    @Override
    public boolean nameChanged() {
        return false;
    }
}
