package dev.peregrine.rules.event;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads events written as JSON (one object per line in {@code .jsonl} files); the format is
 * documented in {@code rules/README.md}. Errors name the line and the key and say what was expected.
 */
public final class EventJson {
    private static final Set<String> EVENT_KEYS = Set.of("type", "num", "time", "res", "args", "rawargs", "thread", "fd", "container", "hostname");
    private static final Set<String> THREAD_KEYS = Set.of("pid", "tid", "ppid", "vpid", "vtid", "sid", "vpgid", "name", "exe",
            "exepath", "args", "cwd", "tty", "uid", "gid", "euid", "loginuid", "user", "group", "loginuser", "home", "shell",
            "env", "start", "parent", "exe_upper_layer", "exe_from_memfd", "exe_writable", "cap_effective", "cap_permitted",
            "cap_inheritable", "exe_ino", "exe_ino_ctime", "exe_ino_mtime");
    private static final Set<String> FD_KEYS = Set.of("num", "type", "name", "nameraw", "l4proto", "cip", "cport", "sip", "sport",
            "server", "connected", "name_changed", "cip_name", "sip_name");
    private static final Set<String> CONTAINER_KEYS = Set.of("id", "name", "image", "repository", "tag", "digest", "privileged",
            "start", "mounts", "k8s_pod", "k8s_ns");

    private EventJson() {
    }

    /** Bad event input; the message names the key path and what was expected. */
    public static final class EventFormatException extends RuntimeException {
        public EventFormatException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses all non-blank lines; {@code source} names the input in errors ({@code file:line: ...}). */
    public static List<EventRecord> parseLines(String text, String source) {
        List<EventRecord> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        long number = 1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            try {
                out.add(parse(line, number++));
            } catch (EventFormatException e) {
                throw new EventFormatException(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Parses one JSON object; {@code defaultNumber} is used when it has no {@code num}. */
    public static EventRecord parse(String json, long defaultNumber) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setSchema(new JsonSchema()).build()).loadFromString(json);
        } catch (YamlEngineException e) {
            throw new EventFormatException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, Object> m = map(root, "event");
        checkKeys(m, EVENT_KEYS, "event");
        EventRecord.Builder b = EventRecord.builder(string(m, "type", "event", true));
        b.number(m.containsKey("num") ? number(m, "num", "event") : defaultNumber);
        if (m.containsKey("time")) {
            b.time(time(m.get("time"), "time"));
        }
        if (m.containsKey("res")) {
            b.res(number(m, "res", "event"));
        }
        if (m.get("args") != null) {
            for (Map.Entry<String, Object> a : map(m.get("args"), "args").entrySet()) {
                Object v = a.getValue();
                if (v instanceof String s) {
                    b.arg(a.getKey(), s);
                } else if (v instanceof Number n) {
                    b.rawArg(a.getKey(), n.longValue());
                } else if (v instanceof Boolean bool) {
                    b.arg(a.getKey(), bool.toString());
                } else {
                    throw new EventFormatException("args." + a.getKey() + ": expected a string (rendered value) or a number");
                }
            }
        }
        if (m.get("rawargs") != null) {
            for (Map.Entry<String, Object> a : map(m.get("rawargs"), "rawargs").entrySet()) {
                Object v = a.getValue();
                if (v instanceof Number n) {
                    b.rawArg(a.getKey(), n.longValue());
                } else if (v instanceof String s && s.startsWith("hex:")) {
                    try {
                        b.rawArg(a.getKey(), HexFormat.of().parseHex(s.substring(4)));
                    } catch (IllegalArgumentException e) {
                        throw new EventFormatException("rawargs." + a.getKey() + ": expected hex digits after 'hex:'");
                    }
                } else if (v instanceof String s) {
                    b.rawArg(a.getKey(), s);
                } else {
                    throw new EventFormatException("rawargs." + a.getKey() + ": expected a number, a string or \"hex:...\"");
                }
            }
        }
        if (m.get("thread") != null) {
            b.thread(thread(map(m.get("thread"), "thread"), "thread"));
        }
        if (m.get("fd") != null) {
            b.fd(fd(map(m.get("fd"), "fd")));
        }
        if (m.get("container") != null) {
            b.container(container(map(m.get("container"), "container")));
        }
        if (m.get("hostname") != null) {
            b.hostname(string(m, "hostname", "event", false));
        }
        return b.build();
    }

    private static ThreadRecord thread(Map<String, Object> m, String path) {
        checkKeys(m, THREAD_KEYS, path);
        ThreadRecord.Builder b = ThreadRecord.builder();
        if (m.containsKey("parent") && m.get("parent") != null) {
            b.parent(thread(map(m.get("parent"), path + ".parent"), path + ".parent"));
        }
        if (m.containsKey("pid")) b.pid(number(m, "pid", path));
        if (m.containsKey("tid")) b.tid(number(m, "tid", path));
        if (m.containsKey("ppid")) b.ppid(number(m, "ppid", path));
        if (m.containsKey("vpid")) b.vpid(number(m, "vpid", path));
        if (m.containsKey("vtid")) b.vtid(number(m, "vtid", path));
        if (m.containsKey("sid")) b.sid(number(m, "sid", path));
        if (m.containsKey("vpgid")) b.vpgid(number(m, "vpgid", path));
        b.name(string(m, "name", path, false));
        b.exe(string(m, "exe", path, false));
        b.exePath(string(m, "exepath", path, false));
        if (m.containsKey("args")) b.args(strings(m.get("args"), path + ".args"));
        b.cwd(string(m, "cwd", path, false));
        if (m.containsKey("tty")) b.tty(number(m, "tty", path));
        if (m.containsKey("uid")) b.uid(number(m, "uid", path));
        if (m.containsKey("gid")) b.gid(number(m, "gid", path));
        if (m.containsKey("euid")) b.euid(number(m, "euid", path));
        if (m.containsKey("loginuid")) b.loginUid(number(m, "loginuid", path));
        if (m.containsKey("user")) b.userName(string(m, "user", path, false));
        if (m.containsKey("group")) b.groupName(string(m, "group", path, false));
        b.loginUserName(string(m, "loginuser", path, false));
        b.homeDir(string(m, "home", path, false));
        b.shell(string(m, "shell", path, false));
        if (m.containsKey("env")) b.env(strings(m.get("env"), path + ".env"));
        if (m.containsKey("start")) b.startTimeNanos(time(m.get("start"), path + ".start"));
        b.exeUpperLayer(bool(m, "exe_upper_layer", path));
        b.exeFromMemfd(bool(m, "exe_from_memfd", path));
        b.exeWritable(bool(m, "exe_writable", path));
        b.capEffective(caps(m.get("cap_effective"), path + ".cap_effective"));
        b.capPermitted(caps(m.get("cap_permitted"), path + ".cap_permitted"));
        b.capInheritable(caps(m.get("cap_inheritable"), path + ".cap_inheritable"));
        if (m.containsKey("exe_ino")) b.exeIno(number(m, "exe_ino", path));
        if (m.containsKey("exe_ino_ctime")) b.exeInoCtime(time(m.get("exe_ino_ctime"), path + ".exe_ino_ctime"));
        if (m.containsKey("exe_ino_mtime")) b.exeInoMtime(time(m.get("exe_ino_mtime"), path + ".exe_ino_mtime"));
        return b.build();
    }

    private static FdRecord fd(Map<String, Object> m) {
        checkKeys(m, FD_KEYS, "fd");
        String type = string(m, "type", "fd", true);
        String name = string(m, "name", "fd", false);
        String cip = string(m, "cip", "fd", false);
        String sip = string(m, "sip", "fd", false);
        long cport = m.containsKey("cport") ? number(m, "cport", "fd") : -1;
        long sport = m.containsKey("sport") ? number(m, "sport", "fd") : -1;
        if (name == null && (cip != null || sip != null)) {
            name = cip + ":" + cport + "->" + sip + ":" + sport;
        }
        String raw = string(m, "nameraw", "fd", false);
        boolean socket = type.equals("ipv4") || type.equals("ipv6");
        boolean connected = m.containsKey("connected") ? bool(m, "connected", "fd") : socket && cip != null && sip != null;
        return new FdRecord(m.containsKey("num") ? number(m, "num", "fd") : -1, type, name, raw == null ? name : raw,
                cip, cport, sip, sport, bool(m, "server", "fd"), string(m, "l4proto", "fd", false), connected,
                bool(m, "name_changed", "fd"), string(m, "cip_name", "fd", false), string(m, "sip_name", "fd", false));
    }

    private static ContainerRecord container(Map<String, Object> m) {
        checkKeys(m, CONTAINER_KEYS, "container");
        List<ContainerInfo.Mount> mounts = new ArrayList<>();
        if (m.get("mounts") != null) {
            if (!(m.get("mounts") instanceof List<?> list)) {
                throw new EventFormatException("container.mounts: expected a list of {source, dest, mode, rw, propagation}");
            }
            for (Object o : list) {
                Map<String, Object> mm = map(o, "container.mounts[]");
                mounts.add(new ContainerInfo.Mount(string(mm, "source", "container.mounts[]", true), string(mm, "dest", "container.mounts[]", true),
                        string(mm, "mode", "container.mounts[]", false), bool(mm, "rw", "container.mounts[]"),
                        string(mm, "propagation", "container.mounts[]", false)));
            }
        }
        Boolean privileged = m.get("privileged") == null ? null : bool(m, "privileged", "container");
        return new ContainerRecord(string(m, "id", "container", true), string(m, "name", "container", false),
                string(m, "image", "container", false), string(m, "repository", "container", false),
                string(m, "tag", "container", false), string(m, "digest", "container", false), privileged,
                m.containsKey("start") ? time(m.get("start"), "container.start") : 0, mounts,
                string(m, "k8s_pod", "container", false), string(m, "k8s_ns", "container", false));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String path) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new EventFormatException(path + ": expected a JSON object");
    }

    private static void checkKeys(Map<String, Object> m, Set<String> allowed, String path) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new EventFormatException(path + ": unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String string(Map<String, Object> m, String key, String path, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                throw new EventFormatException(path + "." + key + ": required string is missing");
            }
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new EventFormatException(path + "." + key + ": expected a string, got " + v);
    }

    private static long number(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger bi && bi.bitLength() < 64) {
            return bi.longValue();
        }
        throw new EventFormatException(path + "." + key + ": expected an integer, got " + v);
    }

    private static boolean bool(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new EventFormatException(path + "." + key + ": expected true or false, got " + v);
    }

    private static List<String> strings(Object o, String path) {
        if (!(o instanceof List<?> list)) {
            throw new EventFormatException(path + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object x : list) {
            if (!(x instanceof String s)) {
                throw new EventFormatException(path + ": expected a list of strings, found " + x);
            }
            out.add(s);
        }
        return out;
    }

    /** Nanoseconds since the epoch, or an ISO-8601 instant such as 2026-11-28T21:30:50.123456789Z. */
    private static long time(Object o, String path) {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        if (o instanceof String s) {
            try {
                Instant i = Instant.parse(s);
                return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new EventFormatException(path + ": expected ns since the epoch or an ISO-8601 UTC time, got '" + s + "'");
            }
        }
        throw new EventFormatException(path + ": expected ns since the epoch or an ISO-8601 UTC time");
    }

    private static final List<String> CAP_NAMES;

    static {
        List<String> names = new ArrayList<>();
        String all = dev.peregrine.rules.field.Names.capabilities(-1L);
        for (String n : all.split(" ")) {
            names.add(n);
        }
        CAP_NAMES = List.copyOf(names);
    }

    /** A capability mask: a number, or a list of names such as ["CAP_SYS_ADMIN"]. */
    private static long caps(Object o, String path) {
        if (o == null) {
            return 0;
        }
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        if (o instanceof List<?>) {
            long mask = 0;
            for (String n : strings(o, path)) {
                int bit = CAP_NAMES.indexOf(n);
                if (bit < 0) {
                    throw new EventFormatException(path + ": unknown capability '" + n + "'");
                }
                mask |= 1L << bit;
            }
            return mask;
        }
        throw new EventFormatException(path + ": expected a capability mask or a list of CAP_* names");
    }
}
