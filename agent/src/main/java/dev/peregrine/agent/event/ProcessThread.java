package dev.peregrine.agent.event;

import dev.peregrine.capture.ProcessInfo;
import dev.peregrine.capture.Render;
import dev.peregrine.rules.event.ThreadInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A capture {@link ProcessInfo} snapshot read as the rules engine's {@link ThreadInfo}. Values
 * capture cannot know from inside the container (the overlay layer of an executable, among
 * others) are reported as unknown rather than guessed. Session and process group are the ones
 * the container's pid namespace shows (the agent runs there); user fields come from the
 * container's {@code /etc/passwd}.
 */
public record ProcessThread(long tid, ProcessInfo process) implements ThreadInfo {
    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long ppid() {
        return process.ppid();
    }

    @Override
    public long vtid() {
        return tid;
    }

    @Override
    public long vpid() {
        return process.pid();
    }

    @Override
    public long sid() {
        return process.sid();
    }

    @Override
    public long vpgid() {
        return process.pgid();
    }

    /** The session leader among this process and its traced ancestors ({@code proc.sname}); null when outside the tree. */
    @Override
    public ThreadInfo sessionLeader() {
        return ancestorWithPid(process.sid());
    }

    /** The process group leader among this process and its traced ancestors ({@code proc.vpgid.name}, ...). */
    @Override
    public ThreadInfo vpgidLeader() {
        return ancestorWithPid(process.pgid());
    }

    private ThreadInfo ancestorWithPid(int pid) {
        for (ProcessInfo p = process; p != null; p = p.parent()) {
            if (p.pid() == pid) {
                return new ProcessThread(p.pid(), p);
            }
        }
        return null;
    }

    @Override
    public String name() {
        return process.comm();
    }

    @Override
    public String exe() {
        return process.exe();
    }

    @Override
    public String exePath() {
        return process.exePath();
    }

    @Override
    public List<String> args() {
        List<String> all = process.args();
        return all.size() <= 1 ? List.of() : all.subList(1, all.size());
    }

    @Override
    public String cwd() {
        return process.cwd();
    }

    @Override
    public long tty() {
        return process.tty();
    }

    /** Falco's {@code user.uid} is the effective id. */
    @Override
    public long uid() {
        return process.euid();
    }

    @Override
    public long gid() {
        return process.egid();
    }

    @Override
    public long euid() {
        return process.euid();
    }

    @Override
    public long loginUid() {
        return process.loginuid();
    }

    @Override
    public String userName() {
        return Render.userName(process.euid());
    }

    @Override
    public String groupName() {
        return Render.groupName(process.egid());
    }

    @Override
    public String loginUserName() {
        return process.loginuid() < 0 ? null : Render.userName(process.loginuid());
    }

    @Override
    public String homeDir() {
        return Render.userHome(process.euid());
    }

    @Override
    public String shell() {
        return Render.userShell(process.euid());
    }

    @Override
    public List<String> env() {
        Map<String, String> env = process.env();
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    @Override
    public String env(String key) {
        return process.env().get(key);
    }

    @Override
    public long startTimeNanos() {
        return process.startNanos();
    }

    @Override
    public ThreadInfo parent() {
        ProcessInfo p = process.parent();
        return p == null ? null : new ProcessThread(p.pid(), p);
    }

    @Override
    public boolean exeUpperLayer() {
        return Boolean.TRUE.equals(process.exeUpperLayer());
    }

    @Override
    public boolean exeFromMemfd() {
        return process.exeFromMemfd();
    }

    @Override
    public boolean exeWritable() {
        return false;
    }

    @Override
    public long capEffective() {
        return process.capEffective();
    }

    @Override
    public long capPermitted() {
        return process.capPermitted();
    }

    @Override
    public long capInheritable() {
        return 0;
    }
}
