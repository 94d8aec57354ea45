package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real programs under the real tracer. */
class TracerTest {
    private static final String ALL = String.join(",", SyscallTable.DEFAULT_TRACE);

    @Test
    void shellScriptForksExecsOpensConnectsRenamesChmodsAndExitCodeIsPropagated(@TempDir Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            String script = "cd " + dir + " && echo hi > a.txt && mv a.txt b.txt && chmod 700 b.txt"
                    + " && cat b.txt > /dev/null && (exec 3<>/dev/tcp/127.0.0.1/" + port + ") ; exit 3";
            Traced t = Traced.run(Traced.set(ALL), SyscallHook.ALLOW_ALL, "bash", "-c", script);
            assertEquals(3, t.status.code());
            assertEquals(3, t.status.shellStatus());

            Event.Exec cat = t.one(Event.Exec.class, e -> e.process().comm().equals("cat"));
            assertEquals(List.of("cat", "b.txt"), cat.process().args());
            assertEquals("/usr/bin/cat", cat.process().exePath());
            assertEquals(dir.toRealPath().toString(), cat.process().cwd());
            assertEquals("bash", cat.process().parent().comm());
            assertEquals("bash", cat.before().comm());

            Event.Syscall open = t.one(Event.Syscall.class, e -> e.type().equals("openat")
                    && e.fd() != null && e.fd().name().endsWith("/a.txt"));
            assertEquals("O_TRUNC|O_CREAT|O_WRONLY", open.param("flags").orElseThrow().rendered());
            assertTrue(open.res() >= 0);

            Event.Syscall rename = t.one(Event.Syscall.class, e -> e.type().startsWith("rename"));
            assertTrue(rename.param("newpath").orElseThrow().rendered().endsWith("b.txt"));
            assertEquals(0L, rename.res());
            assertEquals("mv", rename.process().comm());

            Event.Syscall chmod = t.one(Event.Syscall.class, e -> e.type().startsWith("fchmodat")
                    || e.type().equals("chmod"));
            assertEquals("S_IXUSR|S_IWUSR|S_IRUSR", chmod.param("mode").orElseThrow().rendered());

            // glibc may also try nscd's unix socket (bash looks up the user when SHELL or HOME is unset)
            Event.Syscall connect = t.one(Event.Syscall.class, e -> e.type().equals("connect")
                    && e.param("addr").orElseThrow().rendered().startsWith("127.0.0.1:"));
            assertEquals("127.0.0.1:" + port, connect.param("addr").orElseThrow().rendered());
            assertEquals("ipv4", connect.fd().type());
            assertEquals(0L, connect.res());

            assertFalse(t.all(Event.Clone.class, c -> !c.thread()).isEmpty(), "bash forks its subshells");
            Event.Exit main = t.one(Event.Exit.class, e -> e.process().pid() == t.workload.pid());
            assertEquals(3, main.exitCode());
        }
    }

    @Test
    void acceptReportsTheClientsAddress() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "python3"))), "python3 is needed as the server");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        int serverPort = port;
        Thread client = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 200; i++) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", serverPort)) {
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        String py = "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);"
                + " s.bind(('127.0.0.1'," + port + ")); s.listen(1); c,a=s.accept(); c.close()";
        Traced t = Traced.run(Traced.set("accept,accept4,bind,listen"), SyscallHook.ALLOW_ALL, "python3", "-c", py);
        client.join();
        assertEquals(0, t.status.code());
        Event.Syscall bind = t.one(Event.Syscall.class, e -> e.type().equals("bind"));
        assertEquals("127.0.0.1:" + port, bind.param("addr").orElseThrow().rendered());
        Event.Syscall accept = t.one(Event.Syscall.class, e -> e.type().startsWith("accept"));
        assertTrue(accept.param("tuple").orElseThrow().rendered().startsWith("127.0.0.1:"));
        // Falco's client->server tuple: the client's address first, the server's (this process) last.
        assertTrue(accept.fd().name().matches("127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:" + port), accept.fd().name());
        assertEquals(accept.param("tuple").orElseThrow().rendered() + "->127.0.0.1:" + port, accept.fd().name());
        assertEquals("ipv4", accept.fd().type());
    }

    @Test
    void dashVforksAndTheWholeChainIsKnown() throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL,
                "dash", "-c", "cat /etc/hostname; ls /");
        Event.Clone vfork = t.one(Event.Clone.class, c -> c.type().equals("vfork"));
        assertFalse(vfork.thread());
        Event.Exec ls = t.one(Event.Exec.class, e -> e.process().comm().equals("ls"));
        assertEquals(List.of("ls", "/"), ls.process().args());
        assertEquals(t.workload.pid(), ls.process().ppid());
        Event.Syscall shadow = t.one(Event.Syscall.class, e -> e.type().equals("openat")
                && "/etc/hostname".equals(e.param("name").orElseThrow().raw()));
        assertEquals("O_RDONLY", shadow.param("flags").orElseThrow().rendered());
        assertEquals("cat", shadow.process().comm());
        assertEquals("dash", shadow.process().ancestors().getFirst().comm());
    }

    @Test
    void mainExitIsKnownWhileALeftoverChildStillRuns() throws Exception {
        List<ExitStatus> early = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Boolean> childAlive = new java.util.concurrent.CopyOnWriteArrayList<>();
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, w -> w.mainExit().thenAccept(s -> {
            early.add(s);
            childAlive.add(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("")
                    .contains("sleep 0.7")));
        }), "sh", "-c", "sleep 0.7 & exit 6");
        assertEquals(List.of(new ExitStatus(6, 0, false)), early);
        assertEquals(List.of(true), childAlive, "mainExit completed only after the leftover child ended");
        assertEquals(6, t.status.code());
    }

    @Test
    void deathBySignalIsReportedAs128PlusSignal() throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, "sh", "-c", "kill -TERM $$; sleep 5");
        assertEquals(15, t.status.signal());
        assertEquals(143, t.status.shellStatus());
        Event.Exit exit = t.one(Event.Exit.class, e -> e.process().pid() == t.workload.pid());
        assertEquals(15, exit.signal());
    }

    @Test
    void aSelfStoppedWorkloadStaysStoppedUntilContinued() throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, w -> {
            try {
                int pid = w.pid();
                char state = 0;
                for (int i = 0; i < 200 && state != 't' && state != 'T'; i++) {
                    Thread.sleep(20);
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    state = stat.charAt(stat.lastIndexOf(')') + 2);
                }
                assertTrue(state == 't' || state == 'T', "state " + state);
                Thread.sleep(200);
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                char still = stat.charAt(stat.lastIndexOf(')') + 2);
                assertTrue(still == 't' || still == 'T', "resumed by itself: " + still);
                assertTrue(w.signal(18));
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "sh", "-c", "kill -STOP $$; exit 4");
        assertEquals(4, t.status.code());
    }

    @Test
    void hookDeniesAnOpenWithTheChosenErrno() throws Exception {
        SyscallHook hook = entry -> entry.params().stream().anyMatch(p -> "/etc/hostname".equals(p.raw()))
                ? Verdict.deny(13) : Verdict.ALLOW;
        Traced t = Traced.run(Traced.set("openat"), hook, "cat", "/etc/hostname");
        assertEquals(1, t.status.code());
        Event.Syscall denied = t.one(Event.Syscall.class, e -> e.verdict() instanceof Verdict.Deny);
        assertEquals(-13L, denied.res());
    }

    @Test
    void hookKillsBeforeTheCallRuns() throws Exception {
        Path marker = Files.createTempFile("peregrine", ".marker");
        Files.delete(marker);
        SyscallHook hook = entry -> entry.name().equals("openat") && entry.params().stream()
                .anyMatch(p -> marker.toString().equals(p.raw())) ? Verdict.KILL : Verdict.ALLOW;
        Traced t = Traced.run(Traced.set("openat"), hook, "sh", "-c", "echo x > " + marker + "; exit 0");
        assertEquals(9, t.status.signal());
        assertFalse(Files.exists(marker), "the open ran although the process was killed");
        Event.Syscall killed = t.one(Event.Syscall.class, e -> e.verdict() instanceof Verdict.Kill);
        assertNull(killed.res());
    }

    @Test
    void aJvmWithManyThreadsRunsToCompletion() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, java, "-Xshare:auto", "-version");
        assertEquals(0, t.status.code());
        assertTrue(t.all(Event.Clone.class, Event.Clone::thread).size() >= 5, "JVM threads are followed");
        assertFalse(t.all(Event.Syscall.class, e -> e.tid() != e.process().pid()).isEmpty(),
                "calls from non-main threads are seen");
    }

    @Test
    void aJvmThatSpawnsAndExecsFromANonLeaderThreadIsFollowed() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ThreadExecMain.class.getName());
        assertEquals(0, t.status.code());
        // posix_spawn: a CLONE_VM|CLONE_VFORK process clone, then the exec of the helper or /bin/true.
        assertFalse(t.all(Event.Clone.class, c -> !c.thread() && (c.flags() & 0x4000) != 0).isEmpty(),
                "posix_spawn's vfork-style clone is seen");
        t.one(Event.Exec.class, e -> e.process().exePath().equals("/usr/bin/true"));
        Event.Exec echo = t.one(Event.Exec.class, e -> e.process().comm().equals("echo"));
        assertNotEquals(echo.process().pid(), echo.formerTid(), "exec came from a non-leader thread");
        assertEquals(t.workload.pid(), echo.process().pid());
        assertEquals(List.of("echo", "jvm-thread"), echo.process().args());
    }

    @Test
    void theTempFileLauncherWorksWhereMemfdIsUnavailable() throws Exception {
        System.setProperty("peregrine.capture.launcher", "file");
        try {
            Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, "sh", "-c", "cat /etc/hostname; exit 3");
            assertEquals(3, t.status.code());
            t.one(Event.Exec.class, e -> e.process().comm().equals("cat"));
        } finally {
            System.clearProperty("peregrine.capture.launcher");
        }
    }

    @Test
    void aMissingCommandIsAClearError() {
        var e = assertThrows(CaptureException.class, () -> Capture.start(
                LaunchSpec.of(List.of("no-such-program-here"), Traced.set("openat")), ev -> { }, SyscallHook.ALLOW_ALL));
        assertTrue(e.getMessage().contains("no-such-program-here"), e.getMessage());
    }

    @Test
    void rootKeepsSetuidWorkingWithoutNoNewPrivs() throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, "grep", "NoNewPrivs", "/proc/self/status");
        assertEquals(0, t.status.code());
        if (ProcessHandle.current().info().user().orElse("").equals("root")) {
            assertFalse(t.workload.noNewPrivs());
        }
        assertNotEquals(0, t.events.size());
    }

    @Test
    void aFailedExecIsASyscallEventAndASuccessfulOneOnlyAnExecEvent(@TempDir Path dir) throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, "sh", "-c",
                "cd " + dir + " && /no/such/program 2>/dev/null; pwd > /dev/null; /bin/true");
        Event.Syscall failed = t.one(Event.Syscall.class, e -> e.type().equals("execve")
                && e.param("filename").orElseThrow().rendered().equals("/no/such/program"));
        assertEquals(-2L, failed.res());
        Event.Exec exec = t.one(Event.Exec.class, e -> e.process().exePath().equals("/usr/bin/true"));
        assertEquals(List.of("/bin/true"), exec.process().args());
        assertEquals(dir.toRealPath().toString(), exec.process().cwd(), "the cwd carries over the exec");
        assertTrue(t.all(Event.Syscall.class, e -> e.type().equals("execve") && e.res() != null && e.res() >= 0)
                .isEmpty(), "a successful exec is reported once, as Event.Exec");
    }
}
