package dev.peregrine.cli.backend;

import dev.peregrine.backend.Backend;
import dev.peregrine.backend.BackendConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code peregrine backend}: runs the backend until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(
        name = "backend",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Runs the Peregrine backend: access keys, rules files, policies, the policy bundle, "
                        + "the event store and the agents view, over an HTTP JSON API.",
                "",
                "On first start it creates the admin token (printed once), Falco's default rules file "
                        + "and a default policy.",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PEREGRINE_DB_URL        JDBC URL (jdbc:h2:... or jdbc:postgresql://host:port/db?user=..&password=..)",
                "  PEREGRINE_ADMIN_TOKEN   fixed admin token (at least 16 characters) instead of a generated one",
                "  PEREGRINE_LOG_LEVEL     trace | debug | info (default) | warn | error | off",
        })
public final class BackendCommand implements Callable<Integer> {
    static final String DB_VARIABLE = "PEREGRINE_DB_URL";
    static final String TOKEN_VARIABLE = "PEREGRINE_ADMIN_TOKEN";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default: ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--host", paramLabel = "HOST", description = "interface to bind (default: ${DEFAULT-VALUE})", defaultValue = "0.0.0.0")
    String host;

    @Option(names = "--db", paramLabel = "URL", description = "JDBC URL of the database (default: $" + DB_VARIABLE
            + ", else an H2 file under --data-dir)")
    String db;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "directory of the default H2 database (default: ${DEFAULT-VALUE})",
            defaultValue = "data")
    Path dataDir;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "certificate chain (PEM); with --tls-key, serve HTTPS only")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "private key (PEM, PKCS#8)")
    Path tlsKey;

    @Option(names = "--max-body-mb", paramLabel = "MB", description = "largest accepted request body in MiB, after decompression (default: ${DEFAULT-VALUE})",
            defaultValue = "16")
    int maxBodyMb;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0-65535, got " + port);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (maxBodyMb < 1) {
            throw new ParameterException(spec.commandLine(), "--max-body-mb must be at least 1");
        }
        String url = db != null ? db : blankToNull(System.getenv(DB_VARIABLE));
        String token = blankToNull(System.getenv(TOKEN_VARIABLE));
        BackendConfig config;
        try {
            config = BackendConfig.defaults().withHost(host).withPort(port).withDb(url, dataDir).withAdminToken(token)
                    .withTls(tlsCert, tlsKey).withMaxBodyBytes(maxBodyMb * 1024L * 1024L);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Backend backend = Backend.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backend.close();
            stopped.countDown();
        }, "backend-shutdown"));
        stopped.await();
        return 0;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
