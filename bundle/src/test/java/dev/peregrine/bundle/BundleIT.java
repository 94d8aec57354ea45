package dev.peregrine.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bundle built by this module's {@code package} phase, run the way a patched ECS task runs
 * it, inside root filesystems that have no glibc and no shell (one static, one musl).
 */
class BundleIT {
    private static final Path ROOT = Path.of(System.getProperty("peregrine.root"));
    private static final Path BUNDLE = Path.of(System.getProperty("peregrine.bundle"));
    private static final Path WORK = ROOT.resolve("bundle/target/bundle-it");
    private static final String INSTRUMENT = "/opt/peregrine/bin/instrument";
    private static Path enter;
    private static Rootfs scratch;
    private static Rootfs musl;

    @BeforeAll
    static void rootfs() throws IOException {
        Rootfs.exec(List.of("bash", ROOT.resolve("scripts/ensure-packages.sh").toString(), "musl", "musl-tools", "musl-dev"));
        Path sources = ROOT.resolve("bundle/src/test/c");
        Files.createDirectories(WORK);
        enter = WORK.resolve("enter");
        Rootfs.exec(List.of("gcc", "-static", "-O1", "-o", enter.toString(), sources.resolve("enter.c").toString()));
        scratch = Rootfs.scratch(WORK.resolve("scratch"), sources);
        musl = Rootfs.musl(WORK.resolve("musl"), sources);
    }

    static Stream<Rootfs> images() {
        return Stream.of(scratch, musl);
    }

    record Run(int status, String stdout, String stderr) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static Run run(Rootfs rootfs, List<String> env, String... command) throws Exception {
        Path out = Files.createTempFile(WORK, "out", ".txt");
        Path err = Files.createTempFile(WORK, "err", ".txt");
        List<String> environment = new ArrayList<>(List.of("PATH=/bin"));
        environment.addAll(env);
        Process p = rootfs.start(enter, BUNDLE, environment, List.of(command), out, err);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("still running after 90 s: " + String.join(" ", command) + "\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void rootfsHasNoGlibcAndNoShell(Rootfs rootfs) throws IOException {
        List<String> files = rootfs.files();
        assertTrue(files.contains("/bin/exit-with"), files::toString);
        assertFalse(files.stream().anyMatch(f -> f.endsWith("/sh") || f.endsWith("/bash") || f.endsWith("/busybox")), files::toString);
        assertFalse(files.stream().anyMatch(f -> f.contains("libc.so.6") || f.contains("ld-linux")), files::toString);
        assertTrue(files.stream().noneMatch(f -> f.startsWith("/opt/peregrine/")), "the bundle is mounted, not copied");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void exitStatusOfTheWorkloadIsTheContainers(Rootfs rootfs) throws Exception {
        Run zero = run(rootfs, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "/bin/exit-with", "0");
        assertEquals(0, zero.status(), zero::toString);
        Run seven = run(rootfs, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "exit-with", "7");
        assertEquals(7, seven.status(), seven::toString);
        Run killed = run(rootfs, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "/bin/exit-with", "signal", "15");
        assertEquals(128 + 15, killed.status(), killed::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void standaloneAlertFiresOnTheWorkloadsAction(Rootfs rootfs) throws Exception {
        Run run = run(rootfs, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "/bin/reader", Rootfs.SECRET);
        assertEquals(0, run.status(), run::toString);
        List<JsonNode> alerts = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : run.stdout().lines().toList()) {
            alerts.add(json.readTree(line));
        }
        assertEquals(1, alerts.size(), run::toString);
        JsonNode alert = alerts.getFirst();
        assertEquals(Rootfs.RULE, alert.path("rule").asText(), run::toString);
        assertEquals("Warning", alert.path("priority").asText());
        assertEquals("reader", alert.path("output_fields").path("proc.name").asText());
        assertEquals(Rootfs.SECRET, alert.path("output_fields").path("fd.name").asText());
    }

    @Test
    void alertIsPostedToAnHttpOutputFromInsideTheImage() throws Exception {
        // java.net.http and name-free TCP from the jlink runtime and the bundled glibc, as
        // Falco's http_output (falcosidekick) receives it.
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Run run = run(musl, List.of("PEREGRINE_RULES=" + Rootfs.RULES, "PEREGRINE_OUTPUT=" + url),
                    INSTRUMENT, "/bin/reader", Rootfs.SECRET);
            assertEquals(0, run.status(), run::toString);
            assertEquals(1, bodies.size(), () -> bodies + "\n" + run);
            assertTrue(bodies.getFirst().startsWith("POST "), bodies::toString);
            JsonNode alert = new ObjectMapper().readTree(bodies.getFirst().substring("POST ".length()));
            assertEquals(Rootfs.RULE, alert.path("rule").asText());
            assertEquals(Rootfs.SECRET, alert.path("output_fields").path("fd.name").asText());
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void benignWorkloadRaisesNoAlert(Rootfs rootfs) throws Exception {
        Run run = run(rootfs, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "/bin/reader", Rootfs.RULES);
        assertEquals(0, run.status(), run::toString);
        assertEquals("", run.stdout(), run::toString);
    }

    @Test
    void workloadGetsItsLoaderAndJvmVariablesAndTheAgentIgnoresThem() throws Exception {
        // Either would stop the agent if it reached it: a -javaagent that is not there, a musl
        // library preloaded into the glibc process.
        Run run = run(musl, List.of("PEREGRINE_RULES=" + Rootfs.RULES, "JAVA_TOOL_OPTIONS=-javaagent:/app/missing.jar",
                        "LD_PRELOAD=/lib/ld-musl-x86_64.so.1", "JDK_JAVA_OPTIONS=-Xmx1m"),
                INSTRUMENT, "/bin/show-env", "JAVA_TOOL_OPTIONS", "LD_PRELOAD", "JDK_JAVA_OPTIONS", "PEREGRINE_WORKLOAD_ENV_LD_PRELOAD");
        assertEquals(0, run.status(), run::toString);
        assertEquals(List.of("JAVA_TOOL_OPTIONS=-javaagent:/app/missing.jar", "LD_PRELOAD=/lib/ld-musl-x86_64.so.1",
                "JDK_JAVA_OPTIONS=-Xmx1m", "PEREGRINE_WORKLOAD_ENV_LD_PRELOAD unset"), run.stdout().lines().toList(), run::toString);
    }

    @Test
    void configurationErrorsAndMissingCommandsHaveTheAgentsStatuses() throws Exception {
        Run noPolicies = run(scratch, List.of(), INSTRUMENT, "/bin/exit-with", "0");
        assertEquals(2, noPolicies.status(), noPolicies::toString);
        assertTrue(noPolicies.stderr().contains("PEREGRINE_RULES"), noPolicies::toString);

        Run noCommand = run(scratch, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT);
        assertEquals(2, noCommand.status(), noCommand::toString);
        assertTrue(noCommand.stderr().contains("no command"), noCommand::toString);

        Run missing = run(scratch, List.of("PEREGRINE_RULES=" + Rootfs.RULES), INSTRUMENT, "/bin/not-there");
        assertEquals(127, missing.status(), missing::toString);
    }

    @Test
    void sidecarKeepsRunningAndExitsZeroOnSigterm() throws Exception {
        Path out = Files.createTempFile(WORK, "out", ".txt");
        Path err = Files.createTempFile(WORK, "err", ".txt");
        Process unshare = scratch.start(enter, BUNDLE, List.of(), List.of("/opt/peregrine/bin/sidecar"), out, err);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("waiting for the task to stop")) {
                assertTrue(unshare.isAlive(), () -> "sidecar ended early: " + read(err));
                assertTrue(System.nanoTime() < deadline, () -> "sidecar never became ready: " + read(err));
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertTrue(unshare.isAlive(), "the sidecar keeps running");
            // The sidecar is PID 1 of its PID namespace, where undelivered default signals are dropped.
            ProcessHandle sidecar = unshare.children().findFirst().orElseThrow();
            assertTrue(sidecar.destroy(), "SIGTERM sent");
            assertTrue(unshare.waitFor(10, TimeUnit.SECONDS), () -> "sidecar ignored SIGTERM: " + read(err));
            assertEquals(0, unshare.exitValue(), () -> read(err));
            assertTrue(read(err).contains("signal 15"), () -> read(err));
        } finally {
            unshare.descendants().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
        }
    }

    @Test
    void sigquitAndSigtermToTheAgentReachTheWorkload() throws Exception {
        for (int signal : new int[]{3, 15}) {
            Path out = Files.createTempFile(WORK, "out", ".txt");
            Path err = Files.createTempFile(WORK, "err", ".txt");
            Process unshare = scratch.start(enter, BUNDLE, List.of("PATH=/bin", "PEREGRINE_RULES=" + Rootfs.RULES),
                    List.of(INSTRUMENT, "await-signal"), out, err);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!read(out).contains("ready")) {
                    assertTrue(unshare.isAlive(), () -> "ended early: " + read(err));
                    assertTrue(System.nanoTime() < deadline, () -> "workload never started: " + read(err));
                    Thread.sleep(20);
                }
                // The agent is PID 1 of its PID namespace: a signal reaches it only through a handler.
                ProcessHandle agent = unshare.children().findFirst().orElseThrow();
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(agent.pid())).start();
                assertEquals(0, kill.waitFor());
                assertTrue(unshare.waitFor(30, TimeUnit.SECONDS), () -> "signal " + signal + " not forwarded: " + read(err));
                assertEquals(100 + signal, unshare.exitValue(), () -> read(err));
            } finally {
                unshare.descendants().forEach(ProcessHandle::destroyForcibly);
                unshare.destroyForcibly();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
