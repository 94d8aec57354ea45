package dev.peregrine.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw arguments of a trapped call into {@link Param}s, driven by the argument
 * types of the {@link SyscallTable} row. Tracer thread only (it reads tracee memory).
 */
final class Decoder {
    static final long AT_FDCWD = -100;

    private final Arch arch;
    private final TraceeMemory memory;
    /** The first descriptor argument of the last decoded call, resolved at entry (before a close). */
    FdInfo lastFd;

    Decoder(Arch arch, TraceeMemory memory) {
        this.arch = arch;
        this.memory = memory;
    }

    List<Param> decode(int tid, int pid, Syscall s, long[] args) {
        List<Param> out = new ArrayList<>(s.args().size() + 2);
        lastFd = null;
        for (Syscall.Arg a : s.args()) {
            long v = args[a.index()];
            switch (a.type()) {
                case OPEN_HOW -> decodeOpenHow(tid, v, out);
                case SOCKADDR -> {
                    String addr = sockaddr(tid, v, args[a.index() + 1]);
                    out.add(new Param(a.name(), a.type(), addr, addr == null ? "NULL" : addr));
                }
                default -> out.add(param(tid, pid, a.name(), a.type(), v));
            }
        }
        return out;
    }

    Param param(int tid, int pid, String name, ArgType type, long v) {
        return switch (type) {
            case INT, PID -> new Param(name, type, (long) (int) v, Integer.toString((int) v));
            case SIZE -> new Param(name, type, v, Long.toUnsignedString(v));
            case PTR -> new Param(name, type, v, "0x" + Long.toHexString(v));
            case FD -> {
                int fd = (int) v;
                yield new Param(name, type, (long) fd, renderFd(pid, fd));
            }
            case DIRFD -> {
                int fd = (int) v;
                yield new Param(name, type, (long) fd, fd == AT_FDCWD ? "AT_FDCWD" : renderFd(pid, fd));
            }
            case PATH, STRING -> {
                String str = memory.readString(tid, v);
                yield new Param(name, type, str, str == null ? (v == 0 ? "NULL" : "<unreadable>") : str);
            }
            case ARGV -> {
                List<String> argv = memory.readStringArray(tid, v);
                // Falco's args parameter is argv without argv[0] (that one is the exe parameter).
                yield new Param(name, type, argv, argv == null || argv.isEmpty() ? ""
                        : String.join(" ", argv.subList(1, argv.size())));
            }
            case OPEN_FLAGS -> {
                long ppm = Render.openFlagsToFalco(arch, v);
                yield new Param(name, type, ppm, Render.OPEN_FLAGS.flags(ppm));
            }
            case MODE -> new Param(name, type, v & 07777, Render.MODE.flags(v & 07777));
            case UID -> new Param(name, type, v & 0xffffffffL, (int) v == -1 ? "-1" : Render.userName(v & 0xffffffffL));
            case GID -> new Param(name, type, v & 0xffffffffL, (int) v == -1 ? "-1" : Render.groupName(v & 0xffffffffL));
            case SIGNAL -> new Param(name, type, v, Render.signal(v));
            case CLONE_FLAGS -> new Param(name, type, v, Render.CLONE.flags(v & ~0xffL));
            case NS_FLAGS -> new Param(name, type, v, Render.NS.flags(v));
            case PTRACE_REQUEST -> new Param(name, type, v, Render.PTRACE.exact(v));
            case BPF_CMD -> new Param(name, type, v, Render.BPF.exact(v));
            case SOCKET_DOMAIN -> new Param(name, type, v, Render.DOMAIN.exact(v));
            case SOCKET_TYPE -> new Param(name, type, v, Render.socketType(v));
            case AT_FLAGS -> new Param(name, type, v, Render.AT.flags(v));
            case RENAME_FLAGS -> new Param(name, type, v, Render.RENAME.flags(v));
            case MEMFD_FLAGS -> new Param(name, type, v, Render.MEMFD.flags(v));
            case MOUNT_FLAGS -> new Param(name, type, v, Render.MOUNT.flags(v));
            case FD_FLAGS -> new Param(name, type, v, Render.FD_FLAGS.flags(v));
            case OPEN_HOW, SOCKADDR -> throw new IllegalStateException("decoded by the caller");
        };
    }

    private String renderFd(int pid, int fd) {
        if (fd < 0) {
            return Integer.toString(fd);
        }
        FdInfo info = ProcFs.fd(fd, ProcFs.fdLink(pid, fd), false);
        if (lastFd == null) {
            lastFd = info;
        }
        return fd + "(<" + info.typechar() + ">" + info.name() + ")";
    }

    private void decodeOpenHow(int tid, long ptr, List<Param> out) {
        byte[] how = memory.read(tid, ptr, 24);
        if (how == null) {
            out.add(new Param("flags", ArgType.OPEN_FLAGS, null, "<unreadable>"));
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(how).order(ByteOrder.nativeOrder());
        long flags = b.getLong(0);
        long mode = b.getLong(8);
        long resolve = b.getLong(16);
        long ppm = Render.openFlagsToFalco(arch, flags);
        out.add(new Param("flags", ArgType.OPEN_FLAGS, ppm, Render.OPEN_FLAGS.flags(ppm)));
        out.add(new Param("mode", ArgType.MODE, mode & 07777, Render.MODE.flags(mode & 07777)));
        out.add(new Param("resolve", ArgType.INT, resolve, Long.toString(resolve)));
    }

    /** A socket address as Falco prints it: {@code 1.2.3.4:80}, {@code ::1:80}, a unix path. */
    String sockaddr(int tid, long ptr, long len) {
        if (ptr == 0 || len < 2) {
            return null;
        }
        byte[] raw = memory.read(tid, ptr, (int) Math.min(len, 128));
        if (raw == null) {
            return null;
        }
        return formatSockaddr(raw);
    }

    static String formatSockaddr(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        int family = b.getShort(0) & 0xffff;
        switch (family) {
            case 1 -> {
                if (raw.length <= 2) {
                    return "";
                }
                boolean abstractName = raw[2] == 0;
                int start = abstractName ? 3 : 2;
                int end = start;
                while (end < raw.length && (abstractName || raw[end] != 0)) {
                    end++;
                }
                String path = new String(raw, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
                return abstractName ? "@" + path : path;
            }
            case 2 -> {
                if (raw.length < 8) {
                    return null;
                }
                int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
                return (raw[4] & 0xff) + "." + (raw[5] & 0xff) + "." + (raw[6] & 0xff) + "." + (raw[7] & 0xff) + ":" + port;
            }
            case 10 -> {
                if (raw.length < 24) {
                    return null;
                }
                int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
                byte[] addr = new byte[16];
                System.arraycopy(raw, 8, addr, 0, 16);
                try {
                    String host = java.net.InetAddress.getByAddress(addr).getHostAddress();
                    return compressV6(host) + ":" + port;
                } catch (java.net.UnknownHostException e) {
                    return null;
                }
            }
            default -> {
                return "family " + family;
            }
        }
    }

    private static String compressV6(String host) {
        if (host.contains(".")) {
            return host; // IPv4-mapped addresses come back dotted
        }
        return host.replaceFirst("(^|:)(0(:0)+)(:|$)", "::").replaceFirst("^0::", "::");
    }
}
