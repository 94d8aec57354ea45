package dev.peregrine.cli.up;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo: {@code peregrine run} as a child process (its own JVM: the tracer must not share the
 * JVM that serves), connected to the local orchestrator, running a shell script that does what
 * the default policy's upstream rules catch. Its log goes to {@code DIR/agent.log}.
 */
final class DemoAgent implements AutoCloseable {
    /** Each step would raise one stable upstream Falco rule; every step tolerates a missing tool. */
    static final String SCRIPT = String.join("\n",
            "d=$(mktemp -d) || exit 1",
            "step() { echo \"[demo] $*\"; sleep 0.3; }",
            "step 'reading /etc/shadow'; cat /etc/shadow > /dev/null 2>&1",
            "step 'searching for private keys with grep'; grep -rs 'BEGIN RSA PRIVATE' /etc/ssl/private > /dev/null",
            "step 'symlinking /etc/shadow'; ln -s /etc/shadow \"$d/shadow\"",
            "step 'truncating a log file named auth.log'; : > \"$d/auth.log\"",
            "step 'shredding a file'; echo secret > \"$d/data\"; shred \"$d/data\" 2>/dev/null",
            "step 'a web server (a copy of timeout named nginx) spawning a shell'; cp \"$(command -v timeout)\" \"$d/nginx\" && \"$d/nginx\" 5 sh -c true",
            "step 'looking for AWS credentials'; find \"$d/.aws/credentials\" > /dev/null 2>&1",
            "step 'running a program from /dev/shm'; cp \"$(command -v ls)\" /dev/shm/peregrine-demo-$$ && /dev/shm/peregrine-demo-$$ / > /dev/null; rm -f /dev/shm/peregrine-demo-$$",
            "rm -rf \"$d\"",
            "echo '[demo] done'",
            "");

    private final Process process;
    private final Thread reporter;

    private DemoAgent(Process process, Thread reporter) {
        this.process = process;
        this.reporter = reporter;
    }

    static DemoAgent start(String orchestrator, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("agent.log");
        // A file, not sh -c: alerts then show "sh .../demo.sh" as the parent's command line, not the whole script.
        Path script = dir.resolve("demo.sh");
        Files.writeString(script, SCRIPT);
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.peregrine.cli.Main",
                "run", "--orchestrator", orchestrator, "--priority", "security", "--policy-timeout", "60",
                "--", "sh", script.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("PEREGRINE_LOG_LEVEL", "info");
        pb.environment().remove("PEREGRINE_ORCHESTRATOR");
        pb.environment().remove("PEREGRINE_RULES");
        Process p = pb.start();
        p.getOutputStream().close();
        out.println("[demo] agent started (pid " + p.pid() + "), log: " + log);
        Thread reporter = Thread.ofPlatform().daemon().name("peregrine-up-demo").start(() -> {
            try {
                int status = p.waitFor();
                out.println("[demo] the agent exited with status " + status
                        + (status == 0 ? "" : " (see " + log + ")")
                        + "; Peregrine keeps running: run your own workloads, or Ctrl-C to stop.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return new DemoAgent(p, reporter);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** SIGTERM (the agent forwards it to the workload and drains its alerts), then SIGKILL after 25 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(25, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        reporter.interrupt();
    }
}
