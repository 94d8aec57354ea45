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
 * @param pinning whether the tracer and the workload share a CPU ({@link CpuPinning})
 */
public record LaunchSpec(List<String> command, Map<String, String> env, TrapSet trapSet, Path workdir, Path stdin,
                         Path stdout, Path stderr, CpuPinning pinning) {
    public LaunchSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        if (pinning == null) {
            throw new IllegalArgumentException("no CPU pinning mode (use CpuPinning.fromEnvironment())");
        }
    }

    /** With the pinning mode {@code PEREGRINE_CAPTURE_PIN} asks for ({@link CpuPinning#fromEnvironment()}). */
    public LaunchSpec(List<String> command, Map<String, String> env, TrapSet trapSet, Path workdir, Path stdin,
                      Path stdout, Path stderr) {
        this(command, env, trapSet, workdir, stdin, stdout, stderr, CpuPinning.fromEnvironment());
    }

    /** Run {@code command} with the agent's environment and stdio. */
    public static LaunchSpec of(List<String> command, TrapSet trapSet) {
        return new LaunchSpec(command, System.getenv(), trapSet, null, null, null, null);
    }

    public LaunchSpec withStdio(Path in, Path out, Path err) {
        return new LaunchSpec(command, env, trapSet, workdir, in, out, err, pinning);
    }

    public LaunchSpec withEnv(Map<String, String> newEnv) {
        return new LaunchSpec(command, newEnv, trapSet, workdir, stdin, stdout, stderr, pinning);
    }

    public LaunchSpec withWorkdir(Path dir) {
        return new LaunchSpec(command, env, trapSet, dir, stdin, stdout, stderr, pinning);
    }

    public LaunchSpec withPinning(CpuPinning mode) {
        return new LaunchSpec(command, env, trapSet, workdir, stdin, stdout, stderr, mode);
    }
}
