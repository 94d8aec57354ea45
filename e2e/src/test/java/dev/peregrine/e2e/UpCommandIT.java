package dev.peregrine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.e2e.Distribution.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine up --demo} as a user runs it: alerts within a minute, a clean stop, and a second start on the same data. */
class UpCommandIT {
    @TempDir
    Path dir;

    @AfterEach
    void stopProcesses() {
        Distribution.stopAll();
    }

    @Test
    void upDemoShowsAlertsWithinAMinuteStopsCleanlyAndASecondUpReusesTheData() throws Exception {
        String[] ports = {"--backend-port", "0", "--agent-port", "0", "--metrics-port", "0"};
        long started = System.nanoTime();
        Proc up = Distribution.start(dir, "up-1", Map.of(), concat(new String[] {"up", "--demo", "--data", "data"}, ports));
        try {
            up.awaitLine(Pattern.compile("^ALERT Warning\\s+Read sensitive file untrusted\\s+command=cat /etc/shadow"), Duration.ofSeconds(60));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(60).toNanos(), "the first alert within a minute of the start");
            assertTrue(up.out().startsWith("Peregrine is up"), up.out());
            String token = up.awaitLine(Pattern.compile("Admin token\\s+(pga_\\S+)"), Duration.ofSeconds(5)).group(1);
            up.awaitLine(Pattern.compile("^ALERT .*Run shell untrusted"), Duration.ofSeconds(30));
            up.awaitLine(Pattern.compile("\\[demo\\] the agent exited with status 0"), Duration.ofSeconds(30));
            assertTrue(Files.isRegularFile(dir.resolve("data/peregrine.mv.db")));
            String key = Files.readString(dir.resolve("data/access-key")).strip();
            assertTrue(key.startsWith("pgk_"), key);

            up.process().destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops everything
            int status = up.awaitExit(Duration.ofSeconds(30));
            assertEquals(143, status, "128 + SIGTERM after a clean stop\n" + up.err());
            assertTrue(up.out().contains("peregrine up: stopped"), up.out());
            assertFalse(up.err().contains("Exception"), up.err());

            // the second start knows no admin token: its demo follows the alerts in the database itself
            Proc again = Distribution.start(dir, "up-2", Map.of(), concat(new String[] {"up", "--demo", "--data", "data"}, ports));
            try {
                again.awaitLine(Pattern.compile("Access key\\s+reused"), Duration.ofSeconds(60));
                again.awaitLine(Pattern.compile("^ALERT Warning\\s+Read sensitive file untrusted"), Duration.ofSeconds(60));
                assertFalse(again.out().contains(token), "the admin token is shown on the first start only");
                assertFalse(again.out().contains("pga_"), again.out());
                assertEquals(key, Files.readString(dir.resolve("data/access-key")).strip());
                again.process().destroy();
                assertEquals(143, again.awaitExit(Duration.ofSeconds(30)), again.err());
            } finally {
                again.stop();
            }
        } finally {
            up.stop();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
