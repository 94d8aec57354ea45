package dev.peregrine.capture;

import java.util.List;

/**
 * One event as one line of JSON ({@code peregrine trace} output). Field names follow Falco's
 * where one exists ({@code evt.type}, {@code proc.name}, ...), so the lines read like Falco
 * output fields.
 */
public final class EventJson {
    private EventJson() {
    }

    public static String toJson(Event e) {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "evt.num", e.seq());
        field(sb, "evt.time", e.timeNanos());
        field(sb, "evt.type", e.type());
        field(sb, "thread.tid", e.tid());
        switch (e) {
            case Event.Syscall s -> {
                if (!s.abi().equals("native")) {
                    field(sb, "evt.abi", s.abi());
                }
                if (s.res() != null) {
                    field(sb, "evt.res", s.res());
                }
                if (!(s.verdict() instanceof Verdict.Allow)) {
                    field(sb, "evt.verdict", s.verdict().toString());
                }
                params(sb, s.params());
                if (s.fd() != null) {
                    field(sb, "fd.num", s.fd().num());
                    field(sb, "fd.name", s.fd().name());
                    field(sb, "fd.type", s.fd().type());
                }
            }
            case Event.Clone c -> {
                field(sb, "evt.res", c.childTid());
                field(sb, "clone.thread", c.thread());
                field(sb, "clone.flags", Render.CLONE.flags(c.flags() & ~0xffL));
                if (!c.thread()) {
                    field(sb, "child.pid", c.child().pid());
                }
            }
            case Event.Exec x -> {
                field(sb, "evt.res", 0);
                params(sb, x.params());
                if (x.formerTid() != x.tid()) {
                    field(sb, "exec.former_tid", x.formerTid());
                }
                field(sb, "exec.before.name", x.before().comm());
            }
            case Event.Exit x -> {
                field(sb, "exit.code", x.exitCode());
                if (x.signal() != 0) {
                    field(sb, "exit.signal", Render.signal(x.signal()));
                }
            }
        }
        process(sb, e.process());
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static void params(StringBuilder sb, List<Param> params) {
        for (Param p : params) {
            field(sb, "evt.arg." + p.name(), p.rendered());
        }
    }

    private static void process(StringBuilder sb, ProcessInfo p) {
        field(sb, "proc.pid", p.pid());
        field(sb, "proc.ppid", p.ppid());
        field(sb, "proc.name", p.comm());
        field(sb, "proc.exe", p.exe());
        field(sb, "proc.exepath", p.exePath());
        sb.append("\"proc.args\":[");
        for (int i = 1; i < p.args().size(); i++) {
            string(sb, p.args().get(i));
            sb.append(',');
        }
        if (p.args().size() > 1) {
            sb.setLength(sb.length() - 1);
        }
        sb.append("],");
        field(sb, "proc.cmdline", p.cmdline());
        field(sb, "proc.cwd", p.cwd());
        field(sb, "proc.tty", p.tty());
        field(sb, "user.uid", p.euid());
        field(sb, "user.name", Render.userName(p.euid()));
        field(sb, "user.loginuid", p.loginuid());
        field(sb, "group.gid", p.egid());
        if (p.exeFromMemfd()) {
            field(sb, "proc.is_exe_from_memfd", true);
        }
        sb.append("\"proc.ancestors\":[");
        List<ProcessInfo> anc = p.ancestors();
        for (ProcessInfo a : anc) {
            sb.append("{\"pid\":").append(a.pid()).append(",\"name\":");
            string(sb, a.comm());
            sb.append(",\"cmdline\":");
            string(sb, a.cmdline());
            sb.append("},");
        }
        if (!anc.isEmpty()) {
            sb.setLength(sb.length() - 1);
        }
        sb.append("],");
    }

    private static void field(StringBuilder sb, String name, Object value) {
        string(sb, name);
        sb.append(':');
        if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            string(sb, String.valueOf(value));
        }
        sb.append(',');
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
