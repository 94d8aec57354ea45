package dev.peregrine.agent.event;

import dev.peregrine.capture.ExecutableFile;
import dev.peregrine.capture.ProcessInfo;
import dev.peregrine.capture.Render;
import dev.peregrine.rules.event.ThreadInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A capture {@link ProcessInfo} snapshot read as the rules engine's {@link ThreadInfo}. Values
 * capture cannot know from inside the container are reported as unknown rather than guessed.
 * Session and process group are the ones the container's pid namespace shows (the agent runs
 * there); user fields come from the container's {@code /etc/passwd}.
 *
 * @param containerStartNanos when the container started (epoch ns), 0 when unknown: an executable
 *                            whose inode changed since then is in the overlay's upper layer
 */
public record ProcessThread(long tid, ProcessInfo process, long containerStartNanos) implements ThreadInfo {
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
                return new ProcessThread(p.pid(), p, containerStartNanos);
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
        return p == null ? null : new ProcessThread(p.pid(), p, containerStartNanos);
    }

    /**
     * Falco asks the kernel whether the executable's overlay dentry has an upper (writable) layer;
     * from inside the container that layer cannot be seen. But it is empty when the container
     * starts, image files are older, and nothing can set an inode's change time back: an
     * executable changed (written, copied, chmod-ed) after the container started is one the
     * container dropped or altered. A memfd is no overlay file. Unknown start: false.
     */
    @Override
    public boolean exeUpperLayer() {
        ExecutableFile f = process.exeFile();
        return containerStartNanos > 0 && f != null && !process.exeFromMemfd() && f.ctimeNanos() >= containerStartNanos;
    }

    @Override
    public long exeIno() {
        ExecutableFile f = process.exeFile();
        return f == null ? 0 : f.inode();
    }

    @Override
    public long exeInoCtime() {
        ExecutableFile f = process.exeFile();
        return f == null ? 0 : f.ctimeNanos();
    }

    @Override
    public long exeInoMtime() {
        ExecutableFile f = process.exeFile();
        return f == null ? 0 : f.mtimeNanos();
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
