package dev.peregrine.rules.event;

/**
 * The file descriptor an event is about ({@code fd.*}). Network fields are null for
 * non-socket descriptors; ports are -1 when unknown.
 */
public interface FdInfo {
    long num();

    /** Falco's fd type name: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, memfd, bpf, userfaultfd, io_uring. */
    String type();

    /** The resolved name: a path for files, {@code cip:cport->sip:sport} for connected sockets. */
    String name();

    /** The name as the process passed it, before path resolution. */
    String nameRaw();

    /** Client and server ends of a connection (textual IPv4/IPv6 addresses). */
    String clientIp();

    long clientPort();

    String serverIp();

    long serverPort();

    /** Whether this process is the server end (then local = server, remote = client). */
    boolean localIsServer();

    /** tcp, udp, icmp or raw; null when not a socket. */
    String l4proto();

    boolean connected();

    /** Whether the name changed after the descriptor was created (Falco's {@code fd.name_changed}). */
    boolean nameChanged();

    /** Resolved DNS names, when known. */
    default String clientName() {
        return null;
    }

    default String serverName() {
        return null;
    }
}
