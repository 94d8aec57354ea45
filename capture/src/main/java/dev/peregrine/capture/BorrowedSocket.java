package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A tracee's socket as it describes itself: the tracer borrows the descriptor with
 * {@code pidfd_getfd} (allowed to the tracer, Linux 5.6+) and asks the copy for its addresses
 * ({@code getsockname}, {@code getpeername}) and protocol ({@code SO_TYPE}, {@code SO_PROTOCOL}).
 * This works in any socket state and for a socket whose connecting call was never seen (inherited,
 * or {@code dup}'d onto stdout), unlike {@code /proc/PID/fd}, which only says {@code socket:[inode]}.
 *
 * @param family  {@code ipv4}, {@code ipv6} or {@code unix} ({@code fd.type})
 * @param local   this end as Falco prints addresses ({@code 10.0.0.5:40000}, {@code ::1:80}, a unix
 *                path); null when unknown
 * @param remote  the peer, null when not connected
 * @param l4proto {@code fd.l4proto} of an IP socket: tcp, udp, icmp or raw; null otherwise
 */
record BorrowedSocket(String family, String local, String remote, String l4proto) {
    private static final long PIDFD_OPEN = 434, PIDFD_GETFD = 438; // the same on x86_64 and aarch64
    private static final int SOL_SOCKET = 1, SO_TYPE = 3, SO_PROTOCOL = 38, SOCK_RAW = 3;
    private static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    private static final int ADDRESS_BYTES = 128;
    private static volatile boolean unavailable;

    /**
     * An address (128 bytes), its length and an option value: one buffer per thread, since the
     * tracer asks on every socket event.
     */
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ADDRESS_BYTES + 16, 8));

    /** The socket behind {@code fd} of {@code pid}; null when it is no IP or unix socket or cannot be borrowed. */
    static BorrowedSocket of(int pid, int fd) {
        if (unavailable || fd < 0) {
            return null;
        }
        int pidfd = (int) Libc.syscall(PIDFD_OPEN, pid, 0, 0);
        if (pidfd < 0) {
            giveUpOnOldKernels();
            return null;
        }
        try {
            int copy = (int) Libc.syscall(PIDFD_GETFD, pidfd, fd, 0);
            if (copy < 0) {
                giveUpOnOldKernels();
                return null;
            }
            try {
                return ask(copy);
            } finally {
                Libc.close(copy);
            }
        } finally {
            Libc.close(pidfd);
        }
    }

    /** {@code fd.l4proto} of the socket behind {@code fd}, or null. */
    static String protocolOf(int pid, int fd) {
        BorrowedSocket s = of(pid, fd);
        return s == null ? null : s.l4proto();
    }

    private static void giveUpOnOldKernels() {
        if (Libc.errno() == 38) { // ENOSYS: an old kernel, do not ask again
            unavailable = true;
        }
    }

    private static BorrowedSocket ask(int socket) {
        MemorySegment buffer = BUFFER.get();
        MemorySegment address = buffer.asSlice(0, ADDRESS_BYTES);
        MemorySegment length = buffer.asSlice(ADDRESS_BYTES, 4);
        MemorySegment value = buffer.asSlice(ADDRESS_BYTES + 8, 4);
        length.set(JAVA_INT, 0, ADDRESS_BYTES);
        if (Libc.getsockname(socket, address, length) != 0) {
            return null; // not a socket
        }
        byte[] raw = bytes(address, length.get(JAVA_INT, 0));
        int family = raw.length >= 2 ? (raw[0] & 0xff) | (raw[1] & 0xff) << 8 : -1;
        String type = switch (family) {
            case AF_INET -> "ipv4";
            case AF_INET6 -> "ipv6";
            case AF_UNIX -> "unix";
            default -> null;
        };
        if (type == null) {
            return null;
        }
        String local = Decoder.formatSockaddr(raw);
        length.set(JAVA_INT, 0, ADDRESS_BYTES);
        String remote = Libc.getpeername(socket, address, length) == 0
                ? Decoder.formatSockaddr(bytes(address, length.get(JAVA_INT, 0))) : null;
        String proto = null;
        if (family != AF_UNIX) {
            length.set(JAVA_INT, 0, 4);
            if (Libc.getsockopt(socket, SOL_SOCKET, SO_TYPE, value, length) == 0) {
                if (value.get(JAVA_INT, 0) == SOCK_RAW) {
                    proto = "raw";
                } else {
                    length.set(JAVA_INT, 0, 4);
                    if (Libc.getsockopt(socket, SOL_SOCKET, SO_PROTOCOL, value, length) == 0) {
                        proto = name(value.get(JAVA_INT, 0));
                    }
                }
            }
        }
        return new BorrowedSocket(type, local, remote, proto);
    }

    private static byte[] bytes(MemorySegment address, int length) {
        return address.asSlice(0, Math.max(0, Math.min(length, ADDRESS_BYTES))).toArray(JAVA_BYTE);
    }

    /** The name of an IP protocol number as {@code fd.l4proto} shows it, or null. */
    static String name(int ipProtocol) {
        return switch (ipProtocol) {
            case 6 -> "tcp";
            case 17, 136 -> "udp";
            case 1, 58 -> "icmp";
            default -> null;
        };
    }

    /**
     * The descriptor as Falco names it: the {@code client->server} tuple of a connected IP socket
     * ({@code local->remote}, or {@code remote->local} when the process is the server, as after
     * accept), the peer's (or else its own) path for a unix socket, the local address alone for an
     * IP socket that is not connected.
     */
    FdInfo fd(int num, boolean processIsServer) {
        return switch (family) {
            case "unix" -> new FdInfo(num, remote != null && !remote.isEmpty() ? remote : local == null ? "" : local,
                    "unix", 'u');
            case "ipv6" -> new FdInfo(num, tuple(processIsServer), "ipv6", '6', l4proto);
            default -> new FdInfo(num, tuple(processIsServer), "ipv4", '4', l4proto);
        };
    }

    private String tuple(boolean processIsServer) {
        if (remote == null) {
            return local == null ? "" : local;
        }
        return processIsServer ? remote + "->" + local : local + "->" + remote;
    }
}
