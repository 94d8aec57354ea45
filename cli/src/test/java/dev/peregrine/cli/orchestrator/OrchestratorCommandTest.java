package dev.peregrine.cli.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.cli.PeregrineCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OrchestratorCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new PeregrineCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpNamesEveryOptionAndItsVariable() {
        assertEquals(0, run("orchestrator", "--help"));
        for (String expected : new String[] {"--backend", "PEREGRINE_BACKEND_URL", "--access-key", "PEREGRINE_ACCESS_KEY",
                "--port", "6667", "--metrics-port", "9090", "--spool", "PEREGRINE_SPOOL_DIR", "--tls-cert", "--agent-token"}) {
            assertTrue(out.toString().contains(expected), "help lacks " + expected + ":\n" + out);
        }
    }

    @Test
    void missingOrBadSettingsAreUsageErrorsThatSayWhatIsExpected() {
        assertEquals(2, run("orchestrator", "--access-key", "k", "--backend", ""));
        assertTrue(err.toString().contains("--backend URL (or PEREGRINE_BACKEND_URL) is required"), err.toString());
        assertEquals(2, run("orchestrator", "--access-key", "secret-value", "--backend", "ftp://backend"));
        assertTrue(err.toString().contains("backend URL must start with http:// or https://, got 'ftp://backend'"), err.toString());
        assertTrue(!err.toString().contains("secret-value"), "the access key must never be printed");
        assertEquals(2, run("orchestrator", "--backend", "http://backend:8080", "--access-key", " "));
        assertTrue(err.toString().contains("an access key is required"), err.toString());
        assertEquals(2, run("orchestrator", "--backend", "http://backend:8080", "--access-key", "k", "--tls-cert", "c.pem"));
        assertTrue(err.toString().contains("TLS needs both a certificate and a key file"), err.toString());
    }

    @Test
    void missingTlsFilesAreNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path cert = dir.resolve("missing-cert.pem");
        assertEquals(1, run("orchestrator", "--backend", "http://127.0.0.1:9", "--access-key", "k", "--port", "0",
                "--metrics-port", "0", "--spool", dir.resolve("data").toString(),
                "--tls-cert", cert.toString(), "--tls-key", dir.resolve("missing-key.pem").toString()));
        assertTrue(err.toString().contains("missing-cert.pem"), err.toString());
    }
}
