package dev.peregrine.capture;

/**
 * The file a process executes, as {@code statx} of {@code /proc/PID/exe} saw it right after the
 * exec (Falco's {@code proc.exe_ino*}). Capture reports the facts; whether the file was dropped
 * into the container after it started is for the consumer to judge against the container's start.
 *
 * @param inode      inode number ({@code proc.exe_ino})
 * @param ctimeNanos inode change time, epoch nanoseconds ({@code proc.exe_ino.ctime}); a process
 *                   cannot set it back, every write, copy or chmod moves it to the present
 * @param mtimeNanos data modification time, epoch nanoseconds ({@code proc.exe_ino.mtime})
 * @param mode       file type and permission bits
 * @param uid        owner
 * @param gid        group
 */
public record ExecutableFile(long inode, long ctimeNanos, long mtimeNanos, int mode, int uid, int gid) {
}
