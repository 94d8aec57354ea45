package dev.peregrine.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one traced process (thread group) as Falco's {@code proc.*},
 * {@code user.*} and {@code thread.*} fields see it. A new snapshot replaces the old one when
 * the process execs, changes credentials or directory; events keep the snapshot that was
 * current when they happened, so consumers on other threads need no locks.
 *
 * @param pid            thread-group id ({@code proc.pid})
 * @param ppid           parent's pid ({@code proc.ppid})
 * @param comm           the kernel's task name, at most 15 bytes ({@code proc.name})
 * @param exe            argv[0] as the program was started ({@code proc.exe})
 * @param exePath        the executable's path from {@code /proc/PID/exe} ({@code proc.exepath})
 * @param args           the full argv, argv[0] first
 * @param cwd            the working directory ({@code proc.cwd}), ending without a slash
 * @param tty            the controlling terminal's device number, 0 for none ({@code proc.tty})
 * @param pgid           process group ({@code proc.vpgid}), kept current through setpgid and setsid
 * @param sid            session ({@code proc.sid}), kept current through setsid
 * @param uid            real user id
 * @param gid            real group id
 * @param euid           effective user id ({@code user.uid} in Falco is the effective id)
 * @param egid           effective group id
 * @param loginuid       audit login uid, -1 when unset ({@code user.loginuid})
 * @param capPermitted   permitted capability mask ({@code thread.cap_permitted})
 * @param capEffective   effective capability mask
 * @param startNanos     process start, epoch nanoseconds
 * @param exeFromMemfd   the executable is a memfd ({@code proc.is_exe_from_memfd})
 * @param exeFile        the executable's inode, times and mode right after the exec, null when
 *                       it could not be read ({@code proc.exe_ino*}; the consumer judges
 *                       {@code proc.is_exe_upper_layer} from them, see {@link ExecutableFile})
 * @param parent         the parent's snapshot, null above the traced tree
 */
public record ProcessInfo(int pid, int ppid, String comm, String exe, String exePath, List<String> args, String cwd,
                          int tty, int pgid, int sid, int uid, int gid, int euid, int egid, int loginuid, long capPermitted,
                          long capEffective, long startNanos, boolean exeFromMemfd, ExecutableFile exeFile,
                          ProcessInfo parent) {

    public ProcessInfo {
        args = List.copyOf(args);
    }

    /** Parent, grandparent, ... up to the root of the traced tree ({@code proc.aname[N]}). */
    public List<ProcessInfo> ancestors() {
        List<ProcessInfo> out = new ArrayList<>();
        for (ProcessInfo p = parent; p != null && out.size() < 64; p = p.parent) {
            out.add(p);
        }
        return out;
    }

    /** {@code proc.cmdline}: the name followed by the arguments. */
    public String cmdline() {
        StringBuilder sb = new StringBuilder(comm);
        for (int i = 1; i < args.size(); i++) {
            sb.append(' ').append(args.get(i));
        }
        return sb.toString();
    }

    /**
     * The environment, read on demand from {@code /proc/PID/environ} (it is large and rarely
     * needed); empty when the process has gone or cannot be read.
     */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String kv : new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "environ")))
                    .split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        } catch (IOException | SecurityException e) {
            return Map.of();
        }
        return env;
    }

    ProcessInfo withParent(int newPpid, ProcessInfo newParent) {
        return new ProcessInfo(pid, newPpid, comm, exe, exePath, args, cwd, tty, pgid, sid, uid, gid, euid, egid, loginuid,
                capPermitted, capEffective, startNanos, exeFromMemfd, exeFile, newParent);
    }

    ProcessInfo forkedAs(int childPid, long startNanos) {
        return new ProcessInfo(childPid, pid, comm, exe, exePath, args, cwd, tty, pgid, sid, uid, gid, euid, egid, loginuid,
                capPermitted, capEffective, startNanos, exeFromMemfd, exeFile, this);
    }

    ProcessInfo withCwd(String newCwd) {
        return new ProcessInfo(pid, ppid, comm, exe, exePath, args, newCwd, tty, pgid, sid, uid, gid, euid, egid, loginuid,
                capPermitted, capEffective, startNanos, exeFromMemfd, exeFile, parent);
    }

    ProcessInfo withGroup(int newPgid, int newSid) {
        return new ProcessInfo(pid, ppid, comm, exe, exePath, args, cwd, tty, newPgid, newSid, uid, gid, euid, egid, loginuid,
                capPermitted, capEffective, startNanos, exeFromMemfd, exeFile, parent);
    }

    ProcessInfo withCredentials(int[] ids, long capPrm, long capEff) {
        return new ProcessInfo(pid, ppid, comm, exe, exePath, args, cwd, tty, pgid, sid, ids[0], ids[2], ids[1], ids[3], loginuid,
                capPrm, capEff, startNanos, exeFromMemfd, exeFile, parent);
    }
}
