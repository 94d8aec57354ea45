package dev.peregrine.rules.event;

import java.util.List;

/** The engine's own {@link ThreadInfo}; see {@link #builder()} for defaults. */
public record ThreadRecord(long tid, long pid, long ppid, long vtid, long vpid, long sid, long vpgid, String name,
                           String exe, String exePath, List<String> args, String cwd, long tty, long uid, long gid,
                           long euid, long loginUid, String userName, String groupName, String loginUserName,
                           String homeDir, String shell, List<String> env, long startTimeNanos, ThreadRecord parent,
                           boolean exeUpperLayer, boolean exeFromMemfd, boolean exeWritable, long capEffective,
                           long capPermitted, long capInheritable, long exeIno, long exeInoCtime, long exeInoMtime)
        implements ThreadInfo {
    public ThreadRecord {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
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
