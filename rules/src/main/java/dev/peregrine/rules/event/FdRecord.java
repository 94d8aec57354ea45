package dev.peregrine.rules.event;

/** The engine's own {@link FdInfo}. */
public record FdRecord(long num, String type, String name, String nameRaw, String clientIp, long clientPort,
                       String serverIp, long serverPort, boolean localIsServer, String l4proto, boolean connected,
                       boolean nameChanged, String clientName, String serverName) implements FdInfo {

    /** A file (or directory, memfd...) descriptor. */
    public static FdRecord file(long num, String type, String path) {
        return new FdRecord(num, type, path, path, null, -1, null, -1, false, null, false, false, null, null);
    }

    /** A connected IPv4/IPv6 socket; the name is {@code cip:cport->sip:sport} as Falco prints it. */
    public static FdRecord socket(long num, String l4proto, String clientIp, long clientPort, String serverIp,
                                  long serverPort, boolean localIsServer) {
        String type = clientIp != null && clientIp.contains(":") || serverIp != null && serverIp.contains(":") ? "ipv6" : "ipv4";
        String name = clientIp + ":" + clientPort + "->" + serverIp + ":" + serverPort;
        return new FdRecord(num, type, name, name, clientIp, clientPort, serverIp, serverPort, localIsServer, l4proto,
                true, false, null, null);
    }
}
