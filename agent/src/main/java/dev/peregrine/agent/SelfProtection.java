package dev.peregrine.agent;

import dev.peregrine.capture.Render;
import dev.peregrine.capture.SyscallEntry;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workload may not signal, ptrace or write into its agent: such calls are refused with
 * EPERM at their entry and reported as a Critical alert. A signal number 0 (a liveness probe)
 * is let through. {@code kill(-1, sig)}, which would reach the agent too, is refused as well, and
 * so are SIGKILL and the stop signals sent to a process group that holds the agent
 * ({@code kill(0, …)} from a workload sharing the agent's group, {@code kill(-pgid, …)}).
 */
public final class SelfProtection {
    public static final String RULE = "Peregrine agent tampering";
    public static final String POLICY = "self-protection";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Signals the agent cannot catch or that stop it: refused when aimed at a process group holding the agent. */
    private static final java.util.Set<Integer> UNCATCHABLE = java.util.Set.of(9, 19, 20, 21, 22);
    private final int agentPid;
    private final int agentPgid;

    public SelfProtection(int agentPid) {
        this(agentPid, pgid(agentPid));
    }

    SelfProtection(int agentPid, int agentPgid) {
        this.agentPid = agentPid;
        this.agentPgid = agentPgid;
    }

    /** The process group of {@code pid} from {@code /proc/PID/stat}, or -1 when unknown. */
    static int pgid(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(rest[2]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A refused attempt, with what the alert says about it. */
    public record Attempt(String call, long target, String detail, SyscallEntry entry, long timeNanos) {
        public Alert alert(String id, String hostname, Workload workload) {
            var p = entry.process();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("evt.time", timeNanos);
            fields.put("evt.type", call);
            fields.put("evt.args", detail);
            fields.put("proc.pid", p.pid());
            fields.put("proc.name", p.comm());
            fields.put("proc.cmdline", p.cmdline());
            fields.put("proc.exepath", p.exePath());
            fields.put("user.name", Render.userName(p.euid()));
            fields.put("user.uid", p.euid());
            Instant t = Instant.ofEpochSecond(0, timeNanos);
            String message = "Workload tried to tamper with the Peregrine agent (" + call + " " + detail
                    + " process=" + p.comm() + " pid=" + p.pid() + " cmdline=" + p.cmdline() + ")";
            return new Alert(id, ISO.format(t), RULE, "Critical",
                    DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC).format(t) + ": Critical " + message,
                    fields, "syscall", List.of("peregrine", "self_protection"), hostname, POLICY,
                    List.of("deny", "notify"), workload);
        }
    }

    /** The attempt this call would be, or null when it does not touch the agent. */
    public Attempt check(SyscallEntry entry) {
        long[] a = entry.args();
        return switch (entry.name()) {
            case "kill" -> {
                int pid = (int) a[0];
                int sig = (int) a[1];
                boolean atAgent = sig != 0 && (pid == agentPid || pid == -1 || isAgentThread(pid));
                boolean atAgentGroup = UNCATCHABLE.contains(sig) && agentPgid > 0
                        && (pid == -agentPgid || (pid == 0 && pgid(entry.tid()) == agentPgid));
                yield atAgent || atAgentGroup ? attempt(entry, pid, "pid=" + pid + " sig=" + Render.signal(sig)) : null;
            }
            case "tkill" -> {
                int tid = (int) a[0];
                int sig = (int) a[1];
                yield sig != 0 && isAgentThread(tid) ? attempt(entry, tid, "tid=" + tid + " sig=" + Render.signal(sig)) : null;
            }
            case "tgkill" -> {
                int pid = (int) a[0];
                int sig = (int) a[2];
                yield sig != 0 && pid == agentPid ? attempt(entry, pid, "pid=" + pid + " tid=" + (int) a[1] + " sig=" + Render.signal(sig)) : null;
            }
            case "ptrace" -> {
                int pid = (int) a[1];
                yield isAgentThread(pid) ? attempt(entry, pid, "request=" + a[0] + " pid=" + pid) : null;
            }
            case "process_vm_writev" -> {
                int pid = (int) a[0];
                yield isAgentThread(pid) ? attempt(entry, pid, "pid=" + pid) : null;
            }
            default -> null;
        };
    }

    private boolean isAgentThread(int tid) {
        return tid == agentPid || (tid > 0 && Files.exists(Path.of("/proc/self/task", Integer.toString(tid))));
    }

    private static Attempt attempt(SyscallEntry entry, long target, String detail) {
        return new Attempt(entry.name(), target, detail, entry, System.currentTimeMillis() * 1_000_000L);
    }
}
