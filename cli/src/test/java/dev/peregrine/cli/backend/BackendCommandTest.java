package dev.peregrine.cli.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.cli.PeregrineCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BackendCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new PeregrineCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpNamesOptionsAndEnvironment() {
        assertEquals(0, run("backend", "--help"));
        for (String s : new String[] {"--port", "--db", "--tls-cert", "PEREGRINE_DB_URL", "PEREGRINE_ADMIN_TOKEN"}) {
            assertTrue(out.toString().contains(s), s);
        }
    }

    @Test
    void halfATlsConfigurationIsAUsageError() {
        assertEquals(2, run("backend", "--tls-cert", "cert.pem"));
        assertTrue(err.toString().contains("--tls-cert and --tls-key go together"), err.toString());
    }

    @Test
    void badPortIsAUsageError() {
        assertEquals(2, run("backend", "--port", "70000"));
        assertTrue(err.toString().contains("--port must be 0-65535"), err.toString());
    }
}
