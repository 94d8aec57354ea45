package dev.peregrine.rules.event;

import java.util.List;

/**
 * The thread/process context of an event ({@code proc.*}, {@code thread.*}, {@code user.*},
 * {@code group.*}). Strings are null when unknown; numbers are always known when the thread is.
 */
public interface ThreadInfo {
    long tid();

    long pid();

    long ppid();

    /** Ids as seen inside the process's pid namespace. */
    long vtid();

    long vpid();

    long sid();

    long vpgid();

    /** The command name ({@code comm}, up to 15 characters): {@code proc.name}. */
    String name();

    /** {@code argv[0]}: {@code proc.exe}. */
    String exe();

    /** The full executable path: {@code proc.exepath}. */
    String exePath();

    /** Arguments after {@code argv[0]}. */
    List<String> args();

    String cwd();

    /** Controlling terminal device number; 0 when none. */
    long tty();

    long uid();

    long gid();

    long euid();

    /** Audit login uid; -1 when unset. */
    long loginUid();

    String userName();

    String groupName();

    String loginUserName();

    String homeDir();

    String shell();

    /** Environment as {@code NAME=value} strings. */
    List<String> env();

    /** Process start (clone) time, ns since the epoch. */
    long startTimeNanos();

    /** The parent process; null at the top of what is known. */
    ThreadInfo parent();

    /** The session leader; null when unknown. */
    default ThreadInfo sessionLeader() {
        return null;
    }

    /** The process group leader of the pid namespace view; null when unknown. */
    default ThreadInfo vpgidLeader() {
        return null;
    }

    boolean exeUpperLayer();

    boolean exeFromMemfd();

    boolean exeWritable();

    long capEffective();

    long capPermitted();

    long capInheritable();

    /** Executable inode and its change/modify times in ns since the epoch; 0 when unknown. */
    default long exeIno() {
        return 0;
    }

    default long exeInoCtime() {
        return 0;
    }

    default long exeInoMtime() {
        return 0;
    }

    /** {@code proc.cmdline}: the name and the arguments, space separated; null when the name is unknown. Implementations should cache it. */
    default String cmdline() {
        String name = name();
        if (name == null) {
            return null;
        }
        List<String> args = args();
        return args == null || args.isEmpty() ? name : name + " " + String.join(" ", args);
    }

    /** {@code proc.args}: the arguments, space separated. Implementations should cache it. */
    default String argsLine() {
        List<String> args = args();
        return args == null ? null : String.join(" ", args);
    }

    /** The value of one environment variable; null when it is not set. */
    default String env(String key) {
        for (String kv : env()) {
            if (kv.length() > key.length() && kv.charAt(key.length()) == '=' && kv.startsWith(key)) {
                return kv.substring(key.length() + 1);
            }
        }
        return null;
    }
}
