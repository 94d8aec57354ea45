package dev.peregrine.capture;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to start and how to trace it.
 *
 * @param command the program and its arguments; a name without a slash is looked up in the
 *                {@code PATH} of {@code env}
 * @param env     the workload's environment
 * @param trapSet which calls stop the workload
 * @param workdir working directory, or null to inherit the agent's
 * @param stdin   file to read standard input from, or null to inherit
 * @param stdout  file to write standard output to (created or truncated), or null to inherit
 * @param stderr  file to write standard error to, or null to inherit
 * @param group   which process group and session the workload starts in
 * @param pinning whether the tracer and the workload share a CPU ({@link CpuPinning})
 */
public record LaunchSpec(List<String> command, Map<String, String> env, TrapSet trapSet, Path workdir, Path stdin,
                         Path stdout, Path stderr, Group group, CpuPinning pinning) {
    public LaunchSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        if (group == null) {
            group = Group.INHERIT;
        }
        if (pinning == null) {
            throw new IllegalArgumentException("no CPU pinning mode (use CpuPinning.fromEnvironment())");
        }
    }

    /**
     * In the agent's process group and session, with the pinning mode {@code PEREGRINE_CAPTURE_PIN}
     * asks for ({@link CpuPinning#fromEnvironment()}).
     */
    public LaunchSpec(List<String> command, Map<String, String> env, TrapSet trapSet, Path workdir, Path stdin,
                      Path stdout, Path stderr) {
        this(command, env, trapSet, workdir, stdin, stdout, stderr, Group.INHERIT, CpuPinning.fromEnvironment());
    }

    /** Where the workload's first process stands among process groups and sessions. */
    public enum Group {
        /** The tracer's process group and session (signals to the group reach both). */
        INHERIT,
        /**
         * Leader of a new process group in the tracer's session. When the tracer is a job of its
         * own (it leads its process group) and the foreground job of its controlling terminal,
         * the workload's group becomes the foreground job until the workload's main process
         * ends: the terminal's Ctrl-C, Ctrl-\ and reads go to the workload, as with a shell's
         * job, and a stop of the workload's main process stops the tracer's process too.
         */
        OWN_GROUP,
        /** Leader of a new session (and process group) without a controlling terminal, like a daemon or a container's first process. */
        OWN_SESSION,
        /** {@link #OWN_GROUP} when the tracer has a controlling terminal, else {@link #OWN_SESSION}. */
        OWN_JOB
    }

    /** Run {@code command} with the agent's environment and stdio. */
    public static LaunchSpec of(List<String> command, TrapSet trapSet) {
        return new LaunchSpec(command, System.getenv(), trapSet, null, null, null, null);
    }

    public LaunchSpec withGroup(Group g) {
        return new LaunchSpec(command, env, trapSet, workdir, stdin, stdout, stderr, g, pinning);
    }

    public LaunchSpec withStdio(Path in, Path out, Path err) {
        return new LaunchSpec(command, env, trapSet, workdir, in, out, err, group, pinning);
    }

    public LaunchSpec withEnv(Map<String, String> newEnv) {
        return new LaunchSpec(command, newEnv, trapSet, workdir, stdin, stdout, stderr, group, pinning);
    }

    public LaunchSpec withWorkdir(Path dir) {
        return new LaunchSpec(command, env, trapSet, dir, stdin, stdout, stderr, group, pinning);
    }

    public LaunchSpec withPinning(CpuPinning mode) {
        return new LaunchSpec(command, env, trapSet, workdir, stdin, stdout, stderr, group, mode);
    }
}
