package dev.peregrine.cli.up;

import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import dev.peregrine.backend.store.Database;
import dev.peregrine.orchestrator.Orchestrator;
import dev.peregrine.orchestrator.OrchestratorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine up}: the whole system on one machine, in one JVM: the backend (H2 under the
 * data directory), an access key, and an orchestrator connected to it. {@code --demo} adds a
 * workload under a connected agent (a child {@code peregrine run} process: the agent must never
 * trace from the JVM that serves) and prints the alerts as the backend stores them.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Start Peregrine on this machine: the backend (web UI and API, H2 database under --data), "
                        + "an access key, and an orchestrator for agents. Ctrl-C stops everything; "
                        + "a second 'up' reuses the data.",
                "--demo also runs a small workload that does suspicious things under a connected agent "
                        + "and prints the alerts as they reach the backend.",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PEREGRINE_ADMIN_TOKEN   fixed admin token (at least 16 characters) instead of a generated one",
                "  PEREGRINE_LOG_LEVEL     trace | debug | info | warn (default for up) | error | off",
        })
public final class UpCommand implements Callable<Integer> {
    static final String ACCESS_KEY_FILE = "access-key";
    private static final Pattern ADMIN_TOKEN = Pattern.compile("\\bpga_\\S+");

    @Option(names = "--demo", description = "also run a demo workload under a connected agent and print its alerts")
    boolean demo;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "data directory: database, access key, orchestrator spool (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "address every port listens on; 0.0.0.0 accepts agents from other hosts and containers "
                    + "(default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--backend-port", defaultValue = "8080", description = "web UI and API (default: ${DEFAULT-VALUE}; 0: any free port)")
    int backendPort;

    @Option(names = "--agent-port", defaultValue = "6667", description = "agent WebSocket endpoint (default: ${DEFAULT-VALUE}; 0: any free port)")
    int agentPort;

    @Option(names = "--metrics-port", defaultValue = "9090",
            description = "orchestrator health and metrics (default: ${DEFAULT-VALUE}; 0: any free port)")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        for (int p : new int[] {backendPort, agentPort, metricsPort}) {
            if (p < 0 || p > 65535) {
                err.println("peregrine up: ports are 0-65535, got " + p);
                return 2;
            }
        }
        Path dataDir = data.toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        String fixedToken = blankToNull(System.getenv("PEREGRINE_ADMIN_TOKEN"));

        ByteArrayOutputStream announced = new ByteArrayOutputStream();
        Backend backend;
        try {
            backend = Backend.start(BackendConfig.defaults().withHost(bind).withPort(backendPort).withDb(h2Url(dataDir), dataDir)
                    .withAdminToken(fixedToken).withAnnounce(new PrintStream(announced, true, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            err.println("peregrine up: the backend did not start: " + explain(e, "--backend-port " + backendPort, dataDir));
            return 1;
        }
        Orchestrator orchestrator = null;
        DemoAgent demoAgent = null;
        AlertWatcher watcher = null;
        try {
            AccessKeyFile.Result key = AccessKeyFile.obtain(dataDir.resolve(ACCESS_KEY_FILE), backend.database(), Instant.now());
            String local = localHost(bind);
            URI backendUrl = URI.create("http://" + local + ":" + backend.port());
            try {
                orchestrator = Orchestrator.start(OrchestratorConfig.of(backendUrl, key.secret(), dataDir.resolve("orchestrator"))
                        .withPorts(bind, agentPort, metricsPort));
            } catch (Exception e) {
                err.println("peregrine up: the orchestrator did not start: " + explain(e, "--agent-port " + agentPort + " or --metrics-port " + metricsPort, dataDir));
                return 1;
            }
            String agentEndpoint = local + ":" + orchestrator.agentPort();
            Optional<String> token = adminToken(announced.toString(StandardCharsets.UTF_8));
            Summary.print(out, new Summary(dataDir, backendUrl, "ws://" + agentEndpoint + Orchestrator.AGENT_PATH,
                    URI.create("http://" + local + ":" + orchestrator.metricsPort()), token, fixedToken != null,
                    key.created(), agentEndpoint, demo));

            if (demo) {
                EventFeed feed = token.or(() -> Optional.ofNullable(fixedToken))
                        .<EventFeed>map(t -> new EventFeed.Api(backendUrl, t))
                        .orElse(new EventFeed.Store(backend.events()));
                watcher = AlertWatcher.start(feed, out, Instant.now().minusSeconds(5));
                demoAgent = DemoAgent.start(agentEndpoint, dataDir.resolve("demo"), out);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Stopper stopper = new Stopper(out, backend, orchestrator, demoAgent, watcher, stopped);
            Runtime.getRuntime().addShutdownHook(new Thread(stopper, "peregrine-up-stop"));
            backend = null; // the stopper owns everything from here
            orchestrator = null;
            stopped.await();
            return 0;
        } finally {
            // only reached with something still open when startup failed half way
            if (watcher != null && backend != null) {
                watcher.close();
            }
            if (orchestrator != null) {
                orchestrator.close();
            }
            if (backend != null) {
                backend.close();
            }
        }
    }

    /** Stops in the order data flows back: the demo agent, then the orchestrator (spool flushed), then the backend. */
    private record Stopper(PrintStream out, Backend backend, Orchestrator orchestrator, DemoAgent demoAgent,
                           AlertWatcher watcher, CountDownLatch stopped) implements Runnable {
        @Override
        public void run() {
            out.println();
            out.println("peregrine up: stopping...");
            try {
                if (demoAgent != null) {
                    demoAgent.close();
                }
                if (watcher != null) {
                    watcher.close();
                }
                orchestrator.close();
                backend.close();
                out.println("peregrine up: stopped; the data stays in place for the next 'up'.");
            } finally {
                out.flush();
                stopped.countDown();
            }
        }
    }

    static Optional<String> adminToken(String announced) {
        Matcher m = ADMIN_TOKEN.matcher(announced);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** The backend's default H2 file, closed by us on Ctrl-C rather than by H2's own shutdown hook racing ours. */
    private static String h2Url(Path dataDir) {
        return Database.defaultUrl(dataDir) + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private static String localHost(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.isBlank() ? "127.0.0.1" : bind;
    }

    private static String explain(Throwable e, String ports, Path dataDir) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "a port is in use or cannot be bound (" + t.getMessage() + "): " + ports
                        + "; choose others (0 picks a free one)";
            }
            String msg = String.valueOf(t.getMessage());
            if (msg.contains("Database may be already in use") || msg.contains("file is locked")) {
                return "the database under " + dataDir + " is in use by another Peregrine process; stop it or use --data";
            }
        }
        return e.getMessage();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
