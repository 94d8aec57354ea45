package dev.peregrine.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads process facts from {@code /proc}. Every method tolerates a process that has gone. */
final class ProcFs {
    private static final long BOOT_NANOS = bootTimeNanos();
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private ProcFs() {
    }

    /** {@code readlink /proc/PID/WHAT}, or null when the process has gone. */
    static String link(int pid, String what) {
        LinkBuffers b = BUFFERS.get();
        b.path("/proc/" + pid + "/" + what);
        long n = Libc.readlink(b.path, b.target, 4096);
        return n < 0 ? null : b.text(n);
    }

    /**
     * Per-thread buffers for the reads of {@code /proc} on the tracer's hot paths (descriptor
     * links on most events, the snapshot at every exec): direct calls, no Path objects or streams.
     */
    private static final class LinkBuffers {
        final java.lang.foreign.MemorySegment path = java.lang.foreign.Arena.ofAuto().allocate(64);
        final java.lang.foreign.MemorySegment target = java.lang.foreign.Arena.ofAuto().allocate(FILE_BUFFER);

        void path(String p) {
            byte[] bytes = p.getBytes(StandardCharsets.US_ASCII);
            java.lang.foreign.MemorySegment.copy(bytes, 0, path, java.lang.foreign.ValueLayout.JAVA_BYTE, 0,
                    bytes.length);
            path.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        }

        String text(long n) {
            return new String(target.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8);
        }
    }

    /** Enough for status, stat and almost every command line in one read. */
    private static final int FILE_BUFFER = 16384;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private static final ThreadLocal<LinkBuffers> BUFFERS = ThreadLocal.withInitial(LinkBuffers::new);

    /** {@code readlink /proc/PID/fd/FD} with a direct call: no Path objects on the hot path. */
    static String fdLink(int pid, long fd) {
        if (fd < 0 || fd > Integer.MAX_VALUE) {
            return null;
        }
        LinkBuffers b = BUFFERS.get();
        b.path("/proc/" + pid + "/fd/" + fd);
        long n = Libc.readlink(b.path, b.target, 4096);
        return n < 0 ? null : b.text(n);
    }

    /**
     * The whole of {@code /proc/PID/WHAT}, or null when the process has gone. procfs fills a read
     * as far as the file goes, so a read shorter than the buffer is the end: small files take
     * one open, one read and one close.
     */
    private static String read(int pid, String what) {
        LinkBuffers b = BUFFERS.get();
        b.path("/proc/" + pid + "/" + what);
        int fd = Libc.open(b.path, O_RDONLY_CLOEXEC);
        if (fd < 0) {
            return null;
        }
        try {
            java.io.ByteArrayOutputStream more = null;
            while (true) {
                long n = Libc.read(fd, b.target, FILE_BUFFER);
                if (n < 0) {
                    return null;
                }
                if (more == null && n < FILE_BUFFER) {
                    return b.text(n);
                }
                if (more == null) {
                    more = new java.io.ByteArrayOutputStream(2 * FILE_BUFFER);
                }
                more.write(b.target.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, (int) n);
                if (n < FILE_BUFFER) {
                    return more.toString(StandardCharsets.UTF_8);
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    /** Real, effective, saved, fs ids of Uid: then Gid: as {ruid, euid, rgid, egid}, plus caps. */
    record Creds(int[] ids, long capPrm, long capEff, int tgid, int ppid, String name) {
    }

    /**
     * The fields of {@code /proc/PID/stat} after the command name (which may hold spaces and
     * parentheses): [0] state, [1] ppid, [2] pgrp, [3] session, [4] tty_nr, ... [19] starttime;
     * null when the process is gone.
     */
    static String[] stat(int pid) {
        String stat = read(pid, "stat");
        int close = stat == null ? -1 : stat.lastIndexOf(')');
        return close > 0 && close + 2 < stat.length() ? stat.substring(close + 2).split(" ") : null;
    }

    /** {pgid, sid} of {@code pid} from {@code /proc/PID/stat}, or null when it is gone. */
    static int[] groupAndSession(int pid) {
        String[] f = stat(pid);
        return f == null ? null : new int[]{Integer.parseInt(f[2]), Integer.parseInt(f[3])};
    }

    /** Whether {@code pid} is a zombie (ended, not yet reaped). */
    static boolean isZombie(int pid) {
        String[] f = stat(pid);
        return f != null && f[0].equals("Z");
    }

    static Creds creds(int tid) {
        String status = read(tid, "status");
        if (status == null) {
            return null;
        }
        // Seven of its ~55 lines are needed: find them rather than split the whole file.
        String name = value(status, "Name:");
        String uid = value(status, "Uid:");
        String gid = value(status, "Gid:");
        String prm = value(status, "CapPrm:");
        String eff = value(status, "CapEff:");
        String tgid = value(status, "Tgid:");
        String ppid = value(status, "PPid:");
        return new Creds(new int[] {uid == null ? 0 : field(uid, 0, 0), uid == null ? 0 : field(uid, 0, 1),
                gid == null ? 0 : field(gid, 0, 0), gid == null ? 0 : field(gid, 0, 1)},
                prm == null ? 0 : Long.parseUnsignedLong(prm, 16), eff == null ? 0 : Long.parseUnsignedLong(eff, 16),
                tgid == null ? tid : Integer.parseInt(tgid), ppid == null ? 0 : Integer.parseInt(ppid),
                // The kernel escapes unusual bytes in Name; comm itself would be exact, at one more read.
                name == null ? "" : name);
    }

    /** The stripped text after {@code key} on the line of {@code text} that starts with it, or null. */
    static String value(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf("\n" + key);
        if (at < 0) {
            return null;
        }
        int start = at == 0 && text.startsWith(key) ? key.length() : at + 1 + key.length();
        int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 ? text.length() : end).strip();
    }

    /** The {@code index}th whitespace-separated number of {@code line} after {@code from}. */
    private static int field(String line, int from, int index) {
        int i = from;
        int n = line.length();
        for (int k = 0; ; k++) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (k == index) {
                return Integer.parseInt(line, start, i, 10);
            }
        }
    }

    /** A full snapshot of {@code pid} after an exec. */
    static ProcessInfo snapshot(int pid, int ppid, ProcessInfo parent) {
        return snapshot(pid, ppid, parent, null);
    }

    /**
     * A snapshot after an exec. {@code inherited} (the image before the exec) supplies what an
     * exec does not change, the login uid and the working directory, saving reads; null reads
     * everything.
     */
    static ProcessInfo snapshot(int pid, int ppid, ProcessInfo parent, ProcessInfo inherited) {
        String exePath = link(pid, "exe");
        String cmdline = read(pid, "cmdline");
        List<String> args = new ArrayList<>();
        if (cmdline != null && !cmdline.isEmpty()) {
            for (String a : cmdline.split("\0", -1)) {
                args.add(a);
            }
            if (cmdline.endsWith("\0")) {
                args.removeLast();
            }
        }
        String comm = null;
        String cwd = inherited != null ? inherited.cwd() : link(pid, "cwd");
        Creds creds = creds(pid);
        int[] ids = creds == null ? new int[4] : creds.ids();
        int tty = 0, pgid = 0, sid = 0;
        long start = System.currentTimeMillis() * 1_000_000L;
        String[] f = stat(pid);
        if (f != null) {
            pgid = Integer.parseInt(f[2]);
            sid = Integer.parseInt(f[3]);
            tty = Integer.parseInt(f[4]);
            start = BOOT_NANOS + Long.parseLong(f[19]) * NANOS_PER_TICK;
        }
        int loginuid = -1;
        String l = inherited != null ? null : read(pid, "loginuid");
        if (inherited != null) {
            loginuid = inherited.loginuid();
        } else if (l != null) {
            long v = Long.parseLong(l.strip());
            loginuid = v == 4294967295L ? -1 : (int) v;
        }
        comm = creds == null ? "" : creds.name();
        boolean memfd = exePath != null && exePath.startsWith("/memfd:");
        String exe = args.isEmpty() ? (exePath == null ? comm : exePath) : args.getFirst();
        return new ProcessInfo(pid, ppid, comm, exe, exePath == null ? "" : exePath(exePath), args,
                cwd == null ? "/" : cwd, tty, pgid, sid, ids[0], ids[2], ids[1], ids[3], loginuid,
                creds == null ? 0 : creds.capPrm(), creds == null ? 0 : creds.capEff(), start, memfd, executable(pid), parent);
    }

    /** {@code statx} of the file {@code pid} executes; null when the process has gone. */
    static ExecutableFile executable(int pid) {
        LinkBuffers b = BUFFERS.get();
        b.path("/proc/" + pid + "/exe");
        java.lang.foreign.MemorySegment st = b.target;
        if (Libc.statx(AT_FDCWD, b.path, 0,
                STATX_MODE | STATX_UID | STATX_GID | STATX_INO | STATX_CTIME | STATX_MTIME, st) != 0) {
            return null;
        }
        return new ExecutableFile(st.get(java.lang.foreign.ValueLayout.JAVA_LONG, STX_INO), nanos(st, STX_CTIME),
                nanos(st, STX_MTIME), st.get(java.lang.foreign.ValueLayout.JAVA_SHORT, STX_MODE) & 0xffff,
                st.get(java.lang.foreign.ValueLayout.JAVA_INT, STX_UID), st.get(java.lang.foreign.ValueLayout.JAVA_INT, STX_GID));
    }

    /** A {@code struct statx_timestamp} (tv_sec, tv_nsec) at {@code offset}, in epoch nanoseconds. */
    private static long nanos(java.lang.foreign.MemorySegment st, long offset) {
        return st.get(java.lang.foreign.ValueLayout.JAVA_LONG, offset) * 1_000_000_000L
                + (st.get(java.lang.foreign.ValueLayout.JAVA_INT, offset + 8) & 0xffffffffL);
    }

    /**
     * Falco's exe flags: writable by the process's effective user (root always, as with
     * CAP_DAC_OVERRIDE), from a memfd; from the snapshot's {@link ExecutableFile}, no new read.
     * The overlay layer cannot be told from inside.
     */
    static long exeFlags(ProcessInfo p) {
        long flags = p.exeFromMemfd() ? Render.EXE_FROM_MEMFD : 0;
        if (p.euid() == 0) {
            return flags | Render.EXE_WRITABLE; // no need to look at the file
        }
        ExecutableFile f = p.exeFile();
        if (f == null) {
            return flags; // gone or unreadable: no writable flag
        }
        boolean owner = f.uid() == p.euid();
        boolean group = f.gid() == p.egid();
        int mode = f.mode();
        boolean writable = owner ? (mode & 0200) != 0 : group ? (mode & 020) != 0 : (mode & 02) != 0;
        return writable ? flags | Render.EXE_WRITABLE : flags;
    }

    private static final int AT_FDCWD = -100;
    private static final int STATX_MODE = 0x2, STATX_UID = 0x8, STATX_GID = 0x10, STATX_MTIME = 0x40,
            STATX_CTIME = 0x80, STATX_INO = 0x100;
    /** Offsets in {@code struct statx}, the same on every architecture. */
    private static final long STX_UID = 20, STX_GID = 24, STX_MODE = 28, STX_INO = 32, STX_CTIME = 96, STX_MTIME = 112;

    /**
     * {@code proc.exepath} from the {@code exe} link. A memfd's link reads {@code /memfd:NAME (deleted)};
     * Falco names it {@code memfd:NAME} (the upstream rules compare with
     * {@code memfd:runc_cloned:/proc/self/exe}).
     */
    static String exePath(String link) {
        String path = stripDeleted(link);
        return path.startsWith("/memfd:") ? path.substring(1) : path;
    }

    private static String stripDeleted(String path) {
        return path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
    }

    private static long bootTimeNanos() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim()) * 1_000_000_000L;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    /** Classifies a descriptor from its {@code /proc/PID/fd} link text. */
    static FdInfo fd(int num, String link, boolean directoryHint) {
        if (link == null) {
            return new FdInfo(num, "", "unknown", '?');
        }
        if (link.startsWith("socket:")) {
            return new FdInfo(num, "", "socket", 'S');
        }
        if (link.startsWith("pipe:")) {
            return new FdInfo(num, "", "pipe", 'p');
        }
        if (link.startsWith("/memfd:")) {
            return new FdInfo(num, stripDeleted(link), "memfd", 'm');
        }
        if (link.startsWith("anon_inode:")) {
            String kind = link.substring(11).replace("[", "").replace("]", "");
            return switch (kind) {
                case "eventfd" -> new FdInfo(num, "", "event", 'e');
                case "eventpoll" -> new FdInfo(num, "", "eventpoll", 'l');
                case "inotify" -> new FdInfo(num, "", "inotify", 'i');
                case "signalfd" -> new FdInfo(num, "", "signalfd", 's');
                case "timerfd" -> new FdInfo(num, "", "timerfd", 't');
                case "userfaultfd" -> new FdInfo(num, "", "userfaultfd", 'u');
                default -> kind.startsWith("bpf") ? new FdInfo(num, "", "bpf", 'b') : new FdInfo(num, link, "unknown", 'o');
            };
        }
        if (link.startsWith("/")) {
            boolean dir = directoryHint;
            return new FdInfo(num, stripDeleted(link), dir ? "directory" : "file", dir ? 'd' : 'f');
        }
        return new FdInfo(num, link, "unknown", 'o');
    }
}
