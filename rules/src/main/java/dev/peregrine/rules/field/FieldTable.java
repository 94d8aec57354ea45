package dev.peregrine.rules.field;

import dev.peregrine.rules.event.ContainerInfo;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.event.FdInfo;
import dev.peregrine.rules.event.ThreadInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import static dev.peregrine.rules.field.Extractor.MISSING;

/**
 * The one table of fields of the {@code syscall} source: the rules compiler binds condition
 * fields through it and the output formatter renders output fields through it. Fields the
 * platform cannot provide (e.g. {@code k8s.*} on ECS) exist and extract as missing.
 */
public final class FieldTable {
    private static final Map<String, FieldDef> FIELDS = new LinkedHashMap<>();

    private FieldTable() {
    }

    /** Every field, in table order. */
    public static Collection<FieldDef> all() {
        return Collections.unmodifiableCollection(FIELDS.values());
    }

    /** A field bound to its argument, ready to extract. */
    public record Bound(FieldDef def, String name, String arg, Extractor extractor) {
        public FieldType type() {
            return def.type();
        }

        /**
         * When this field's value is final. Arguments are known at entry by name; a positional
         * argument ({@code evt.arg[2]}) or one a call fills in at its exit ({@code tuple} of
         * {@code accept}) only at exit.
         */
        public FieldDef.Phase phase() {
            if (arg != null && (def.name().equals("evt.arg") || def.name().equals("evt.rawarg"))
                    && (arg.isEmpty() || Character.isDigit(arg.charAt(0)) || EXIT_ARGS.contains(arg))) {
                return FieldDef.Phase.RESULT;
            }
            return def.phase();
        }
    }

    /** Argument names some calls only have at their exit. */
    private static final java.util.Set<String> EXIT_ARGS = java.util.Set.of("tuple", "res", "fd", "res_or_fd", "data");

    /**
     * Fields whose value a call's exit decides or may change; every other {@code fd.*} field is
     * {@link FieldDef.Phase#DESCRIPTOR}, every other field {@link FieldDef.Phase#ENTRY}. The event
     * number and time are here because an entry event has no number and its own clock reading.
     */
    private static final java.util.Set<String> RESULT_FIELDS = java.util.Set.of(
            "evt.num", "evt.time", "evt.time.s", "evt.time.iso8601", "evt.datetime", "evt.rawtime", "evt.rawtime.s",
            "evt.rawtime.ns", "evt.res", "evt.rawres", "evt.failed", "evt.args", "evt.buffer", "fd.num", "fd.l4proto");

    private static FieldDef.Phase phaseOf(String name) {
        if (RESULT_FIELDS.contains(name)) {
            return FieldDef.Phase.RESULT;
        }
        return name.startsWith("fd.") ? FieldDef.Phase.DESCRIPTOR : FieldDef.Phase.ENTRY;
    }

    /**
     * Binds {@code name} (with {@code arg}, null when none) to an extractor. Dotted argument forms
     * ({@code evt.arg.flags}, {@code evt.rawarg.res}) are resolved here.
     */
    public static Bound bind(String name, String arg) {
        FieldDef def = FIELDS.get(name);
        if (def == null) {
            for (String prefix : List.of("evt.arg.", "evt.rawarg.")) {
                if (name.startsWith(prefix) && name.length() > prefix.length() && arg == null) {
                    FieldDef base = FIELDS.get(prefix.substring(0, prefix.length() - 1));
                    String param = name.substring(prefix.length());
                    return new Bound(base, name, param, base.bind(param));
                }
            }
            throw new FieldException("nonexistent field " + name);
        }
        return new Bound(def, name, arg, def.bind(arg));
    }

    // ---- table construction helpers ----

    private static void add(String name, FieldType type, String desc, FieldDef.Arg arg, Function<String, Extractor> binder) {
        FIELDS.put(name, new FieldDef(name, type, desc, arg, binder, phaseOf(name)));
    }

    private static void str(String name, String desc, Extractor.Str x) {
        add(name, FieldType.CHARBUF, desc, FieldDef.Arg.NONE, a -> x);
    }

    private static void num(String name, FieldType type, String desc, Extractor.Num x) {
        add(name, type, desc, FieldDef.Arg.NONE, a -> x);
    }

    private static void bool(String name, String desc, Extractor.Num x) {
        add(name, FieldType.BOOL, desc, FieldDef.Arg.NONE, a -> x);
    }

    private static long b(boolean v) {
        return v ? 1 : 0;
    }

    private static Extractor.Str thr(Function<ThreadInfo, String> f) {
        return e -> {
            ThreadInfo t = e.thread();
            return t == null ? null : f.apply(t);
        };
    }

    private static Extractor.Num thrNum(ToLongFunction<ThreadInfo> f) {
        return e -> {
            ThreadInfo t = e.thread();
            return t == null ? MISSING : f.applyAsLong(t);
        };
    }

    private static Extractor.Str parent(Function<ThreadInfo, String> f) {
        return e -> {
            ThreadInfo t = e.thread();
            ThreadInfo p = t == null ? null : t.parent();
            return p == null ? null : f.apply(p);
        };
    }

    private static Extractor.Str fdStr(Function<FdInfo, String> f) {
        return e -> {
            FdInfo fd = e.fd();
            return fd == null ? null : f.apply(fd);
        };
    }

    private static Extractor.Num fdNum(ToLongFunction<FdInfo> f) {
        return e -> {
            FdInfo fd = e.fd();
            return fd == null ? MISSING : f.applyAsLong(fd);
        };
    }

    private static Extractor.Str ctr(Function<ContainerInfo, String> f) {
        return e -> {
            ContainerInfo c = e.container();
            return c == null ? null : f.apply(c);
        };
    }

    /** proc.aname-style fields: [N] is the Nth ancestor (0 = the process); no index = any ancestor. */
    private static void ancestorStr(String name, String desc, Function<ThreadInfo, String> f) {
        add(name, FieldType.CHARBUF, desc, FieldDef.Arg.OPTIONAL, arg -> {
            if (arg == null) {
                return (Extractor.AnyStr) e -> {
                    ThreadInfo t = e.thread();
                    if (t == null) {
                        return null;
                    }
                    List<String> out = new ArrayList<>(4);
                    for (ThreadInfo p = t.parent(); p != null; p = p.parent()) {
                        String v = f.apply(p);
                        if (v != null) {
                            out.add(v);
                        }
                    }
                    return out;
                };
            }
            int n = index(name, arg);
            return (Extractor.Str) e -> {
                ThreadInfo a = ancestor(e.thread(), n);
                return a == null ? null : f.apply(a);
            };
        });
    }

    private static int index(String field, String arg) {
        try {
            int n = Integer.parseInt(arg);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new FieldException("field '" + field + "' expects a non-negative index argument, got '" + arg + "'");
        }
    }

    private static ThreadInfo ancestor(ThreadInfo t, int n) {
        for (int i = 0; i < n && t != null; i++) {
            t = t.parent();
        }
        return t;
    }

    private static String cmdline(ThreadInfo t) {
        return t.cmdline();
    }

    private static String joinArgs(ThreadInfo t) {
        return t.argsLine();
    }

    private static String dirOf(String path) {
        if (path == null) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static String fileOf(String path) {
        if (path == null) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static boolean isFileLike(FdInfo fd) {
        String type = fd.type();
        return "file".equals(type) || "directory".equals(type) || "memfd".equals(type);
    }

    private static boolean isSocket(FdInfo fd) {
        String type = fd.type();
        return "ipv4".equals(type) || "ipv6".equals(type);
    }

    private static String localIp(FdInfo fd) {
        return fd.localIsServer() ? fd.serverIp() : fd.clientIp();
    }

    private static String remoteIp(FdInfo fd) {
        return fd.localIsServer() ? fd.clientIp() : fd.serverIp();
    }

    private static long localPort(FdInfo fd) {
        return fd.localIsServer() ? fd.serverPort() : fd.clientPort();
    }

    private static long remotePort(FdInfo fd) {
        return fd.localIsServer() ? fd.clientPort() : fd.serverPort();
    }

    private static long port(long p) {
        return p < 0 ? MISSING : p;
    }

    static String typeChar(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "file" -> "f";
            case "directory" -> "d";
            case "ipv4" -> "4";
            case "ipv6" -> "6";
            case "unix" -> "u";
            case "pipe" -> "p";
            case "event" -> "e";
            case "signalfd" -> "s";
            case "eventpoll" -> "l";
            case "inotify" -> "i";
            case "timerfd" -> "t";
            case "netlink" -> "n";
            case "bpf" -> "b";
            case "userfaultfd" -> "u";
            case "io_uring" -> "r";
            case "memfd" -> "m";
            default -> "o";
        };
    }

    private static String openFlags(Event e) {
        String t = e.type();
        if (t.equals("creat")) {
            // creat(2) is open(2) with these flags; it has no flags parameter of its own.
            String f = e.arg("flags");
            return f != null ? f : "O_WRONLY|O_CREAT|O_TRUNC";
        }
        if (!t.equals("open") && !t.equals("openat") && !t.equals("openat2")) {
            return null;
        }
        return e.arg("flags");
    }

    /** Whether a rendered mode grants execution: octal text ("0755") or S_IX* names. */
    private static boolean executableMode(String mode) {
        if (mode == null || mode.isEmpty()) {
            return false;
        }
        if (mode.chars().allMatch(c -> c >= '0' && c <= '7')) {
            return (Long.parseLong(mode, 8) & 0111) != 0;
        }
        return mode.contains("S_IXUSR") || mode.contains("S_IXGRP") || mode.contains("S_IXOTH");
    }

    /** Whether a rendered flag set such as {@code O_RDONLY|O_CLOEXEC} contains {@code flag} as a whole name. */
    private static boolean hasFlag(String flags, String flag) {
        if (flags == null) {
            return false;
        }
        int from = 0;
        while (true) {
            int i = flags.indexOf(flag, from);
            if (i < 0) {
                return false;
            }
            int end = i + flag.length();
            if ((i == 0 || flags.charAt(i - 1) == '|') && (end == flags.length() || flags.charAt(end) == '|')) {
                return true;
            }
            from = i + 1;
        }
    }

    private static String renderArgs(Event e) {
        StringBuilder sb = new StringBuilder();
        for (String n : e.argNames()) {
            String v = e.arg(n);
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(n).append('=').append(v == null ? "" : v);
        }
        return sb.toString();
    }

    private static String argName(Event e, String arg) {
        if (!arg.isEmpty() && Character.isDigit(arg.charAt(0))) {
            int n;
            try {
                n = Integer.parseInt(arg);
            } catch (NumberFormatException ex) {
                return null;
            }
            List<String> names = e.argNames();
            return n < names.size() ? names.get(n) : null;
        }
        return arg;
    }

    static {
        // ---- evt ----
        num("evt.num", FieldType.UINT64, "event number", Event::number);
        num("evt.time", FieldType.ABSTIME, "event timestamp; printed as HH:MM:SS.nnnnnnnnn", Event::timestampNanos);
        num("evt.time.s", FieldType.ABSTIME, "event timestamp; printed as HH:MM:SS", Event::timestampNanos);
        num("evt.time.iso8601", FieldType.ABSTIME, "event timestamp in ISO 8601 with nanoseconds, UTC", Event::timestampNanos);
        num("evt.datetime", FieldType.ABSTIME, "event timestamp with the date", Event::timestampNanos);
        num("evt.rawtime", FieldType.ABSTIME, "event timestamp in ns since the epoch", Event::timestampNanos);
        num("evt.rawtime.s", FieldType.ABSTIME, "integer part of the event timestamp", e -> e.timestampNanos() / 1_000_000_000L);
        num("evt.rawtime.ns", FieldType.ABSTIME, "fractional part of the event timestamp", e -> e.timestampNanos() % 1_000_000_000L);
        str("evt.type", "event type: the system call name", Event::type);
        str("evt.source", "event source", e -> "syscall");
        // Enter events are not produced any more (Falco 0.42); every event is an exit.
        str("evt.dir", "event direction; always '<' (deprecated)", e -> "<");
        str("evt.res", "result as text: SUCCESS or the errno name", e -> e.hasResult() ? Names.result(e.result()) : null);
        num("evt.rawres", FieldType.INT64, "result as a number", e -> e.hasResult() ? e.result() : MISSING);
        bool("evt.failed", "true when the call returned an error", e -> e.hasResult() ? b(e.result() < 0) : MISSING);
        str("evt.args", "all arguments as name=value text", FieldTable::renderArgs);
        add("evt.arg", FieldType.CHARBUF, "one argument, rendered (evt.arg.NAME or evt.arg[N])", FieldDef.Arg.REQUIRED,
                arg -> (Extractor.Str) e -> {
                    String n = argName(e, arg);
                    return n == null ? null : e.arg(n);
                });
        add("evt.rawarg", FieldType.DYNAMIC, "one argument, raw value (evt.rawarg.NAME)", FieldDef.Arg.REQUIRED,
                arg -> (Extractor.Raw) e -> {
                    String n = argName(e, arg);
                    return n == null ? null : e.rawArg(n);
                });
        bool("evt.is_open_read", "open* call that opens for reading", e -> {
            String f = openFlags(e);
            return f == null ? MISSING : b(hasFlag(f, "O_RDONLY") || hasFlag(f, "O_RDWR"));
        });
        bool("evt.is_open_write", "open* call that opens for writing", e -> {
            String f = openFlags(e);
            return f == null ? MISSING : b(hasFlag(f, "O_WRONLY") || hasFlag(f, "O_RDWR"));
        });
        bool("evt.is_open_exec", "open* call that creates an executable file", e -> {
            String f = openFlags(e);
            if (f == null) {
                return MISSING;
            }
            return b(hasFlag(f, "O_CREAT") && executableMode(e.arg("mode")));
        });
        add("evt.buffer", FieldType.BYTEBUF, "the data buffer of read/write/send/recv calls", FieldDef.Arg.NONE, a -> (Extractor.Bytes) e -> {
            Object raw = e.rawArg("data");
            if (raw instanceof byte[] bytes) {
                return bytes;
            }
            String s = e.arg("data");
            return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        str("evt.hostname", "host name of the machine", Event::hostname);

        // ---- proc / thread ----
        num("proc.pid", FieldType.INT64, "process id", thrNum(ThreadInfo::pid));
        num("proc.ppid", FieldType.INT64, "parent process id", thrNum(ThreadInfo::ppid));
        num("proc.vpid", FieldType.INT64, "process id in its pid namespace", thrNum(ThreadInfo::vpid));
        num("proc.sid", FieldType.INT64, "session id", thrNum(ThreadInfo::sid));
        num("proc.vpgid", FieldType.INT64, "process group id in its pid namespace", thrNum(ThreadInfo::vpgid));
        str("proc.name", "process name (comm)", thr(ThreadInfo::name));
        str("proc.exe", "argv[0]", thr(ThreadInfo::exe));
        str("proc.exepath", "full executable path", thr(ThreadInfo::exePath));
        str("proc.args", "arguments, space separated", thr(FieldTable::joinArgs));
        str("proc.cmdline", "name and arguments", thr(FieldTable::cmdline));
        str("proc.cwd", "current working directory", thr(ThreadInfo::cwd));
        num("proc.tty", FieldType.UINT32, "controlling terminal, 0 when none", thrNum(ThreadInfo::tty));
        str("proc.pname", "parent's name", parent(ThreadInfo::name));
        str("proc.pexe", "parent's argv[0]", parent(ThreadInfo::exe));
        str("proc.pexepath", "parent's executable path", parent(ThreadInfo::exePath));
        str("proc.pcmdline", "parent's command line", parent(FieldTable::cmdline));
        num("proc.pvpid", FieldType.INT64, "parent's pid in its pid namespace", e -> {
            ThreadInfo t = e.thread();
            ThreadInfo p = t == null ? null : t.parent();
            return p == null ? MISSING : p.vpid();
        });
        ancestorStr("proc.aname", "name of the Nth ancestor (0 = this process); without index: any ancestor", ThreadInfo::name);
        ancestorStr("proc.aexe", "argv[0] of the Nth ancestor; without index: any ancestor", ThreadInfo::exe);
        ancestorStr("proc.aexepath", "executable path of the Nth ancestor; without index: any ancestor", ThreadInfo::exePath);
        ancestorStr("proc.acmdline", "command line of the Nth ancestor; without index: any ancestor", FieldTable::cmdline);
        add("proc.apid", FieldType.INT64, "pid of the Nth ancestor; without index: any ancestor", FieldDef.Arg.OPTIONAL, arg -> {
            if (arg == null) {
                return (Extractor.AnyNum) e -> {
                    ThreadInfo t = e.thread();
                    if (t == null) {
                        return null;
                    }
                    List<Long> ids = new ArrayList<>();
                    for (ThreadInfo p = t.parent(); p != null; p = p.parent()) {
                        ids.add(p.pid());
                    }
                    return ids.stream().mapToLong(Long::longValue).toArray();
                };
            }
            int n = index("proc.apid", arg);
            return (Extractor.Num) e -> {
                ThreadInfo a = ancestor(e.thread(), n);
                return a == null ? MISSING : a.pid();
            };
        });
        add("proc.env", FieldType.CHARBUF, "environment (all, or one variable with proc.env[NAME])", FieldDef.Arg.OPTIONAL, arg -> {
            if (arg == null) {
                return (Extractor.Str) e -> {
                    ThreadInfo t = e.thread();
                    return t == null || t.env() == null ? null : String.join(" ", t.env());
                };
            }
            return (Extractor.Str) e -> {
                ThreadInfo t = e.thread();
                return t == null ? null : t.env(arg);
            };
        });
        num("proc.duration", FieldType.RELTIME, "ns since the process started", e -> {
            ThreadInfo t = e.thread();
            return t == null || t.startTimeNanos() <= 0 ? MISSING : e.timestampNanos() - t.startTimeNanos();
        });
        num("proc.ppid.duration", FieldType.RELTIME, "ns since the parent started", e -> {
            ThreadInfo t = e.thread();
            ThreadInfo p = t == null ? null : t.parent();
            return p == null || p.startTimeNanos() <= 0 ? MISSING : e.timestampNanos() - p.startTimeNanos();
        });
        num("proc.start_ts", FieldType.ABSTIME, "process start time", thrNum(t -> t.startTimeNanos() <= 0 ? MISSING : t.startTimeNanos()));
        str("proc.sname", "name of the session leader", thr(t -> t.sessionLeader() == null ? null : t.sessionLeader().name()));
        str("proc.vpgid.name", "name of the process group leader", thr(t -> t.vpgidLeader() == null ? null : t.vpgidLeader().name()));
        str("proc.vpgid.exe", "argv[0] of the process group leader", thr(t -> t.vpgidLeader() == null ? null : t.vpgidLeader().exe()));
        str("proc.vpgid.exepath", "executable path of the process group leader", thr(t -> t.vpgidLeader() == null ? null : t.vpgidLeader().exePath()));
        bool("proc.is_vpgid_leader", "the process leads its process group", thrNum(t -> b(t.vpid() == t.vpgid())));
        bool("proc.is_sid_leader", "the process leads its session", thrNum(t -> b(t.pid() == t.sid())));
        bool("proc.is_exe_upper_layer", "executable lives in the overlayfs upper layer", thrNum(t -> b(t.exeUpperLayer())));
        bool("proc.is_exe_from_memfd", "executable is a memfd", thrNum(t -> b(t.exeFromMemfd())));
        bool("proc.is_exe_writable", "executable is writable by the process", thrNum(t -> b(t.exeWritable())));
        num("proc.exe_ino", FieldType.INT64, "inode of the executable", thrNum(t -> t.exeIno() == 0 ? MISSING : t.exeIno()));
        num("proc.exe_ino.ctime", FieldType.ABSTIME, "executable inode change time", thrNum(t -> t.exeInoCtime() == 0 ? MISSING : t.exeInoCtime()));
        num("proc.exe_ino.mtime", FieldType.ABSTIME, "executable inode modify time", thrNum(t -> t.exeInoMtime() == 0 ? MISSING : t.exeInoMtime()));
        num("proc.exe_ino.ctime_duration_proc_start", FieldType.RELTIME, "process start minus executable change time",
                thrNum(t -> t.exeInoCtime() == 0 || t.startTimeNanos() <= 0 ? MISSING : t.startTimeNanos() - t.exeInoCtime()));
        num("thread.tid", FieldType.INT64, "thread id", thrNum(ThreadInfo::tid));
        num("thread.vtid", FieldType.INT64, "thread id in its pid namespace", thrNum(ThreadInfo::vtid));
        str("thread.cap_effective", "effective capabilities", thr(t -> Names.capabilities(t.capEffective())));
        str("thread.cap_permitted", "permitted capabilities", thr(t -> Names.capabilities(t.capPermitted())));
        str("thread.cap_inheritable", "inheritable capabilities", thr(t -> Names.capabilities(t.capInheritable())));

        // ---- user / group ----
        num("user.uid", FieldType.UINT32, "user id", thrNum(ThreadInfo::uid));
        str("user.name", "user name", thr(ThreadInfo::userName));
        str("user.homedir", "home directory", thr(ThreadInfo::homeDir));
        str("user.shell", "login shell", thr(ThreadInfo::shell));
        num("user.loginuid", FieldType.INT64, "audit login uid, -1 when unset", thrNum(ThreadInfo::loginUid));
        str("user.loginname", "name of the audit login user", thr(ThreadInfo::loginUserName));
        num("group.gid", FieldType.UINT32, "group id", thrNum(ThreadInfo::gid));
        str("group.name", "group name", thr(ThreadInfo::groupName));

        // ---- fd ----
        num("fd.num", FieldType.INT64, "file descriptor number", fdNum(FdInfo::num));
        str("fd.type", "fd type: file, directory, ipv4, ipv6, unix, pipe, ...", fdStr(FdInfo::type));
        str("fd.typechar", "fd type as one character", fdStr(fd -> typeChar(fd.type())));
        str("fd.name", "fd name: a path, or a connection tuple", fdStr(FdInfo::name));
        str("fd.nameraw", "fd name as passed by the process", fdStr(fd -> fd.nameRaw() != null ? fd.nameRaw() : fd.name()));
        str("fd.directory", "directory of a file fd", fdStr(fd -> isFileLike(fd) ? ("directory".equals(fd.type()) ? fd.name() : dirOf(fd.name())) : null));
        str("fd.filename", "file name of a file fd, without the directory", fdStr(fd -> isFileLike(fd) && !"directory".equals(fd.type()) ? fileOf(fd.name()) : null));
        add("fd.ip", FieldType.IPADDR, "client or server IP (matches either)", FieldDef.Arg.NONE, a -> (Extractor.AnyStr) e -> {
            FdInfo fd = e.fd();
            if (fd == null || !isSocket(fd)) {
                return null;
            }
            List<String> ips = new ArrayList<>(2);
            if (fd.clientIp() != null) {
                ips.add(fd.clientIp());
            }
            if (fd.serverIp() != null) {
                ips.add(fd.serverIp());
            }
            return ips;
        });
        add("fd.cip", FieldType.IPADDR, "client IP", FieldDef.Arg.NONE, a -> fdStr(FdInfo::clientIp));
        add("fd.sip", FieldType.IPADDR, "server IP", FieldDef.Arg.NONE, a -> fdStr(FdInfo::serverIp));
        add("fd.lip", FieldType.IPADDR, "local IP", FieldDef.Arg.NONE, a -> fdStr(fd -> isSocket(fd) ? localIp(fd) : null));
        add("fd.rip", FieldType.IPADDR, "remote IP", FieldDef.Arg.NONE, a -> fdStr(fd -> isSocket(fd) ? remoteIp(fd) : null));
        add("fd.net", FieldType.IPNET, "client or server IP compared with a network (matches either)", FieldDef.Arg.NONE,
                a -> FIELDS.get("fd.ip").binder().apply(null));
        add("fd.cnet", FieldType.IPNET, "client IP compared with a network", FieldDef.Arg.NONE, a -> fdStr(FdInfo::clientIp));
        add("fd.snet", FieldType.IPNET, "server IP compared with a network", FieldDef.Arg.NONE, a -> fdStr(FdInfo::serverIp));
        add("fd.lnet", FieldType.IPNET, "local IP compared with a network", FieldDef.Arg.NONE, a -> fdStr(fd -> isSocket(fd) ? localIp(fd) : null));
        add("fd.rnet", FieldType.IPNET, "remote IP compared with a network", FieldDef.Arg.NONE, a -> fdStr(fd -> isSocket(fd) ? remoteIp(fd) : null));
        add("fd.port", FieldType.PORT, "client or server port (matches either)", FieldDef.Arg.NONE, a -> (Extractor.AnyNum) e -> {
            FdInfo fd = e.fd();
            if (fd == null || !isSocket(fd)) {
                return null;
            }
            return new long[] {fd.clientPort(), fd.serverPort()};
        });
        num("fd.cport", FieldType.PORT, "client port", fdNum(fd -> isSocket(fd) ? port(fd.clientPort()) : MISSING));
        num("fd.sport", FieldType.PORT, "server port", fdNum(fd -> isSocket(fd) ? port(fd.serverPort()) : MISSING));
        num("fd.lport", FieldType.PORT, "local port", fdNum(fd -> isSocket(fd) ? port(localPort(fd)) : MISSING));
        num("fd.rport", FieldType.PORT, "remote port", fdNum(fd -> isSocket(fd) ? port(remotePort(fd)) : MISSING));
        str("fd.l4proto", "transport protocol: tcp, udp, icmp, raw", fdStr(FdInfo::l4proto));
        str("fd.sockfamily", "socket family: ip or unix", fdStr(fd -> isSocket(fd) ? "ip" : "unix".equals(fd.type()) ? "unix" : null));
        bool("fd.is_server", "this process is the server end", fdNum(fd -> isSocket(fd) ? b(fd.localIsServer()) : MISSING));
        bool("fd.connected", "the socket is connected", fdNum(fd -> b(fd.connected())));
        bool("fd.name_changed", "the fd name changed after creation", fdNum(fd -> b(fd.nameChanged())));
        str("fd.cip.name", "client DNS name", fdStr(FdInfo::clientName));
        str("fd.sip.name", "server DNS name", fdStr(FdInfo::serverName));
        str("fd.lip.name", "local DNS name", fdStr(fd -> fd.localIsServer() ? fd.serverName() : fd.clientName()));
        str("fd.rip.name", "remote DNS name", fdStr(fd -> fd.localIsServer() ? fd.clientName() : fd.serverName()));
        add("fd.types", FieldType.CHARBUF, "types of the process's fds (not tracked: missing)", FieldDef.Arg.OPTIONAL, a -> (Extractor.Str) e -> null);

        // ---- container (Falco's container plugin fields) ----
        str("container.id", "12-character container id, 'host' outside containers", e -> e.container() == null ? "host" : e.container().id());
        str("container.name", "container name, 'host' outside containers", e -> e.container() == null ? "host" : e.container().name());
        str("container.image", "image reference", ctr(ContainerInfo::image));
        str("container.image.repository", "image repository", ctr(ContainerInfo::imageRepository));
        str("container.image.tag", "image tag", ctr(ContainerInfo::imageTag));
        str("container.image.digest", "image digest", ctr(ContainerInfo::imageDigest));
        str("container.type", "container runtime type", ctr(c -> "ecs"));
        bool("container.privileged", "the container is privileged", e -> {
            ContainerInfo c = e.container();
            return c == null || c.privileged() == null ? MISSING : b(c.privileged());
        });
        num("container.start_ts", FieldType.ABSTIME, "container start time", e -> {
            ContainerInfo c = e.container();
            return c == null || c.startTimeNanos() <= 0 ? MISSING : c.startTimeNanos();
        });
        str("container.mounts", "mounts as source:dest:mode:rdwr:propagation, comma separated", ctr(c -> {
            StringBuilder sb = new StringBuilder();
            for (ContainerInfo.Mount m : c.mounts()) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(m.source()).append(':').append(m.dest()).append(':').append(m.mode()).append(':')
                        .append(m.readWrite()).append(':').append(m.propagation());
            }
            return sb.toString();
        }));
        add("container.mount.dest", FieldType.CHARBUF, "destination of the mount whose source matches the glob argument; N/A when none",
                FieldDef.Arg.REQUIRED, arg -> (Extractor.Str) e -> {
                    ContainerInfo c = e.container();
                    if (c == null) {
                        return null;
                    }
                    for (ContainerInfo.Mount m : c.mounts()) {
                        if (Glob.matches(arg, m.source(), false)) {
                            return m.dest();
                        }
                    }
                    return "N/A";
                });
        add("container.mount.source", FieldType.CHARBUF, "source of the mount whose destination matches the glob argument; N/A when none",
                FieldDef.Arg.REQUIRED, arg -> (Extractor.Str) e -> {
                    ContainerInfo c = e.container();
                    if (c == null) {
                        return null;
                    }
                    for (ContainerInfo.Mount m : c.mounts()) {
                        if (Glob.matches(arg, m.dest(), false)) {
                            return m.source();
                        }
                    }
                    return "N/A";
                });
        str("k8s.ns.name", "Kubernetes namespace (missing on ECS)", ctr(ContainerInfo::k8sNamespace));
        str("k8s.pod.name", "Kubernetes pod name (missing on ECS)", ctr(ContainerInfo::k8sPodName));
    }
}
