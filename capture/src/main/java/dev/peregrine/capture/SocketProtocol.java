package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code fd.l4proto} of a tracee's socket, asked of the socket itself: the tracer borrows the
 * descriptor with {@code pidfd_getfd} (allowed to the tracer, Linux 5.6+) and reads
 * {@code SO_TYPE} and {@code SO_PROTOCOL}. A {@code SOCK_RAW} socket is {@code raw} whatever its
 * protocol; otherwise TCP is {@code tcp}, UDP and UDP-Lite {@code udp}, ICMP and ICMPv6 (ping
 * sockets) {@code icmp}. Works in any socket state, unlike a look-up in {@code /proc/net}, where
 * a socket appears only once bound.
 */
final class SocketProtocol {
    private static final long PIDFD_OPEN = 434, PIDFD_GETFD = 438; // the same on x86_64 and aarch64
    private static final int SOL_SOCKET = 1, SO_TYPE = 3, SO_PROTOCOL = 38, SOCK_RAW = 3;
    private static volatile boolean unavailable;

    /** An option value (int) and its length (int). */
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 4));

    private SocketProtocol() {
    }

    /** tcp, udp, icmp or raw; null when the descriptor is not such a socket or cannot be borrowed. */
    static String of(int pid, int fd) {
        if (unavailable || fd < 0) {
            return null;
        }
        int pidfd = (int) Libc.syscall(PIDFD_OPEN, pid, 0, 0);
        if (pidfd < 0) {
            if (Libc.errno() == 38) { // ENOSYS: an old kernel, do not ask again
                unavailable = true;
            }
            return null;
        }
        try {
            int copy = (int) Libc.syscall(PIDFD_GETFD, pidfd, fd, 0);
            if (copy < 0) {
                if (Libc.errno() == 38) {
                    unavailable = true;
                }
                return null;
            }
            try {
                // on the tracer thread for every IP socket event: one buffer per thread, not an arena per call
                MemorySegment buffer = BUFFER.get();
                MemorySegment value = buffer.asSlice(0, 4);
                MemorySegment length = buffer.asSlice(4, 4);
                length.set(JAVA_INT, 0, 4);
                if (Libc.getsockopt(copy, SOL_SOCKET, SO_TYPE, value, length) != 0) {
                    return null;
                }
                if (value.get(JAVA_INT, 0) == SOCK_RAW) {
                    return "raw";
                }
                length.set(JAVA_INT, 0, 4);
                if (Libc.getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, value, length) != 0) {
                    return null;
                }
                return name(value.get(JAVA_INT, 0));
            } finally {
                Libc.close(copy);
            }
        } finally {
            Libc.close(pidfd);
        }
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
}
