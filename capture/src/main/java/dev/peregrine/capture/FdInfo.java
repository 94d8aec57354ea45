package dev.peregrine.capture;

/**
 * A file descriptor an event is about, resolved while the tracee was stopped.
 *
 * @param num     the descriptor number ({@code fd.num})
 * @param name    {@code fd.name}: an absolute path for files; {@code ip:port->ip:port} or a
 *                unix path for sockets when known; the link text otherwise
 * @param type    {@code fd.type}: file, directory, ipv4, ipv6, unix, pipe, memfd, event,
 *                signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, unknown
 * @param typechar {@code fd.typechar}: f, 4, 6, u, p, e, s, l, i, t, n, b, ... as Falco uses
 * @param l4proto  {@code fd.l4proto} of an IP socket: tcp, udp, icmp or raw; null otherwise or when unknown
 */
public record FdInfo(int num, String name, String type, char typechar, String l4proto) {
    public FdInfo(int num, String name, String type, char typechar) {
        this(num, name, type, typechar, null);
    }
}
