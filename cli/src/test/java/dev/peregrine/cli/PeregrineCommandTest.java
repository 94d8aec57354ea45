package dev.peregrine.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeregrineCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void versionComesFromTheBuild() {
        assertEquals(0, run("--version"));
        String version = VersionProvider.version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertTrue(out.toString().startsWith("peregrine " + version), out.toString());
    }

    @Test
    void everySubcommandWithAVersionOptionPrintsTheVersion() {
        CommandLine cli = Main.commandLine();
        int checked = 0;
        for (var sub : cli.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().findOption("--version") == null) {
                continue;
            }
            StringWriter subOut = new StringWriter();
            CommandLine fresh = Main.commandLine();
            fresh.setOut(new PrintWriter(subOut));
            assertEquals(0, fresh.execute(sub.getKey(), "--version"), sub.getKey());
            assertTrue(subOut.toString().startsWith("peregrine "), sub.getKey() + ": " + subOut);
            checked++;
        }
        assertTrue(checked > 0 || cli.getSubcommands().size() == 1);
    }

    @Test
    void helpTeachesTheCommandAndItsEnvironment() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("Usage: peregrine"));
        assertTrue(out.toString().contains("PEREGRINE_LOG_LEVEL"));
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString().contains("Unknown option: '--frobnicate'"), err.toString());
    }

    @Test
    void logLevelIsValidatedWithAClearMessage() {
        assertEquals("info", Logging.level(null));
        assertEquals("debug", Logging.level(" DEBUG "));
        assertEquals("warn", Logging.level("warning"));
        var error = assertThrows(IllegalArgumentException.class, () -> Logging.level("loud"));
        assertTrue(error.getMessage().contains("PEREGRINE_LOG_LEVEL='loud'"));
        assertFalse(error.getMessage().isBlank());
    }
}
