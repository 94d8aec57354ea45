package dev.peregrine.rules.event;

import java.util.List;

/**
 * The engine's own {@link ThreadInfo}; see {@link #builder()} for defaults. The command line and
 * argument line are joined once, here, because many rules read them for every event.
 */
public final class ThreadRecord implements ThreadInfo {
    private final long tid;
    private final long pid;
    private final long ppid;
    private final long vtid;
    private final long vpid;
    private final long sid;
    private final long vpgid;
    private final String name;
    private final String exe;
    private final String exePath;
    private final List<String> args;
    private final String cwd;
    private final long tty;
    private final long uid;
    private final long gid;
    private final long euid;
    private final long loginUid;
    private final String userName;
    private final String groupName;
    private final String loginUserName;
    private final String homeDir;
    private final String shell;
    private final List<String> env;
    private final long startTimeNanos;
    private final ThreadRecord parent;
    private final boolean exeUpperLayer;
    private final boolean exeFromMemfd;
    private final boolean exeWritable;
    private final long capEffective;
    private final long capPermitted;
    private final long capInheritable;
    private final long exeIno;
    private final long exeInoCtime;
    private final long exeInoMtime;
    private final String cmdline;
    private final String argsLine;

    public ThreadRecord(long tid, long pid, long ppid, long vtid, long vpid, long sid, long vpgid, String name, String exe, String exePath, List<String> args, String cwd, long tty, long uid, long gid, long euid, long loginUid, String userName, String groupName, String loginUserName, String homeDir, String shell, List<String> env, long startTimeNanos, ThreadRecord parent, boolean exeUpperLayer, boolean exeFromMemfd, boolean exeWritable, long capEffective, long capPermitted, long capInheritable, long exeIno, long exeInoCtime, long exeInoMtime) {
        this.args = args == null ? List.of() : List.copyOf(args);
        this.env = env == null ? List.of() : List.copyOf(env);
        this.tid = tid;
        this.pid = pid;
        this.ppid = ppid;
        this.vtid = vtid;
        this.vpid = vpid;
        this.sid = sid;
        this.vpgid = vpgid;
        this.name = name;
        this.exe = exe;
        this.exePath = exePath;
        this.cwd = cwd;
        this.tty = tty;
        this.uid = uid;
        this.gid = gid;
        this.euid = euid;
        this.loginUid = loginUid;
        this.userName = userName;
        this.groupName = groupName;
        this.loginUserName = loginUserName;
        this.homeDir = homeDir;
        this.shell = shell;
        this.startTimeNanos = startTimeNanos;
        this.parent = parent;
        this.exeUpperLayer = exeUpperLayer;
        this.exeFromMemfd = exeFromMemfd;
        this.exeWritable = exeWritable;
        this.capEffective = capEffective;
        this.capPermitted = capPermitted;
        this.capInheritable = capInheritable;
        this.exeIno = exeIno;
        this.exeInoCtime = exeInoCtime;
        this.exeInoMtime = exeInoMtime;
        this.cmdline = ThreadInfo.super.cmdline();
        this.argsLine = ThreadInfo.super.argsLine();
    }

    @Override
    public long tid() {
        return tid;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public long ppid() {
        return ppid;
    }

    @Override
    public long vtid() {
        return vtid;
    }

    @Override
    public long vpid() {
        return vpid;
    }

    @Override
    public long sid() {
        return sid;
    }

    @Override
    public long vpgid() {
        return vpgid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String exe() {
        return exe;
    }

    @Override
    public String exePath() {
        return exePath;
    }

    @Override
    public List<String> args() {
        return args;
    }

    @Override
    public String cwd() {
        return cwd;
    }

    @Override
    public long tty() {
        return tty;
    }

    @Override
    public long uid() {
        return uid;
    }

    @Override
    public long gid() {
        return gid;
    }

    @Override
    public long euid() {
        return euid;
    }

    @Override
    public long loginUid() {
        return loginUid;
    }

    @Override
    public String userName() {
        return userName;
    }

    @Override
    public String groupName() {
        return groupName;
    }

    @Override
    public String loginUserName() {
        return loginUserName;
    }

    @Override
    public String homeDir() {
        return homeDir;
    }

    @Override
    public String shell() {
        return shell;
    }

    @Override
    public List<String> env() {
        return env;
    }

    @Override
    public long startTimeNanos() {
        return startTimeNanos;
    }

    @Override
    public ThreadRecord parent() {
        return parent;
    }

    @Override
    public boolean exeUpperLayer() {
        return exeUpperLayer;
    }

    @Override
    public boolean exeFromMemfd() {
        return exeFromMemfd;
    }

    @Override
    public boolean exeWritable() {
        return exeWritable;
    }

    @Override
    public long capEffective() {
        return capEffective;
    }

    @Override
    public long capPermitted() {
        return capPermitted;
    }

    @Override
    public long capInheritable() {
        return capInheritable;
    }

    @Override
    public long exeIno() {
        return exeIno;
    }

    @Override
    public long exeInoCtime() {
        return exeInoCtime;
    }

    @Override
    public long exeInoMtime() {
        return exeInoMtime;
    }

    @Override
    public String cmdline() {
        return cmdline;
    }

    @Override
    public String argsLine() {
        return argsLine;
    }

    @Override
    public ThreadInfo sessionLeader() {
        for (ThreadRecord t = this; t != null; t = t.parent) {
            if (t.pid == sid) {
                return t;
            }
        }
        return null;
    }

    @Override
    public ThreadInfo vpgidLeader() {
        for (ThreadRecord t = this; t != null; t = t.parent) {
            if (t.vpid == vpgid) {
                return t;
            }
        }
        return null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: pid 1 (same tid/vpid/sid/vpgid), uid 0 "root", loginuid -1, no tty, no capabilities. */
    public static final class Builder {
        private long tid = -1;
        private long pid = 1;
        private long ppid;
        private long vtid = -1;
        private long vpid = -1;
        private long sid = -1;
        private long vpgid = -1;
        private String name;
        private String exe;
        private String exePath;
        private List<String> args = List.of();
        private String cwd;
        private long tty;
        private long uid;
        private long gid;
        private long euid;
        private long loginUid = -1;
        private String userName = "root";
        private String groupName = "root";
        private String loginUserName;
        private String homeDir;
        private String shell;
        private List<String> env = List.of();
        private long startTimeNanos;
        private ThreadRecord parent;
        private boolean exeUpperLayer;
        private boolean exeFromMemfd;
        private boolean exeWritable;
        private long capEffective;
        private long capPermitted;
        private long capInheritable;
        private long exeIno;
        private long exeInoCtime;
        private long exeInoMtime;

        public Builder pid(long v) { pid = v; return this; }
        public Builder tid(long v) { tid = v; return this; }
        public Builder ppid(long v) { ppid = v; return this; }
        public Builder vpid(long v) { vpid = v; return this; }
        public Builder vtid(long v) { vtid = v; return this; }
        public Builder sid(long v) { sid = v; return this; }
        public Builder vpgid(long v) { vpgid = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder exe(String v) { exe = v; return this; }
        public Builder exePath(String v) { exePath = v; return this; }
        public Builder args(List<String> v) { args = v; return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder tty(long v) { tty = v; return this; }
        public Builder uid(long v) { uid = v; return this; }
        public Builder gid(long v) { gid = v; return this; }
        public Builder euid(long v) { euid = v; return this; }
        public Builder loginUid(long v) { loginUid = v; return this; }
        public Builder userName(String v) { userName = v; return this; }
        public Builder groupName(String v) { groupName = v; return this; }
        public Builder loginUserName(String v) { loginUserName = v; return this; }
        public Builder homeDir(String v) { homeDir = v; return this; }
        public Builder shell(String v) { shell = v; return this; }
        public Builder env(List<String> v) { env = v; return this; }
        public Builder startTimeNanos(long v) { startTimeNanos = v; return this; }
        public Builder parent(ThreadRecord v) { parent = v; return this; }
        public Builder exeUpperLayer(boolean v) { exeUpperLayer = v; return this; }
        public Builder exeFromMemfd(boolean v) { exeFromMemfd = v; return this; }
        public Builder exeWritable(boolean v) { exeWritable = v; return this; }
        public Builder capEffective(long v) { capEffective = v; return this; }
        public Builder capPermitted(long v) { capPermitted = v; return this; }
        public Builder capInheritable(long v) { capInheritable = v; return this; }
        public Builder exeIno(long v) { exeIno = v; return this; }
        public Builder exeInoCtime(long v) { exeInoCtime = v; return this; }
        public Builder exeInoMtime(long v) { exeInoMtime = v; return this; }

        public ThreadRecord build() {
            long t = tid < 0 ? pid : tid;
            long vp = vpid < 0 ? pid : vpid;
            return new ThreadRecord(t, pid, parent != null && ppid == 0 ? parent.pid() : ppid, vtid < 0 ? vp : vtid, vp,
                    sid < 0 ? pid : sid, vpgid < 0 ? vp : vpgid, name, exe == null ? name : exe, exePath, args, cwd, tty,
                    uid, gid, euid, loginUid, userName, groupName, loginUserName, homeDir, shell, env, startTimeNanos,
                    parent, exeUpperLayer, exeFromMemfd, exeWritable, capEffective, capPermitted, capInheritable,
                    exeIno, exeInoCtime, exeInoMtime);
        }
    }
}
