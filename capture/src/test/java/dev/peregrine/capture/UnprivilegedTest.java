package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The tracer as an unprivileged user: the filter needs no_new_privs there, and gets it. */
class UnprivilegedTest {
    @Test
    void tracingWorksAsNobodyWithNoNewPrivs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv missing");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), UnprivilegedMain.class.getName(),
                "sh", "-c", "grep -q 'NoNewPrivs:.*1' /proc/self/status && exit 7"));
        Process p = new ProcessBuilder(cmd).directory(Path.of("/tmp").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("status=7 nnp=true"), out);
        assertTrue(out.matches("(?s).*opens=[1-9].*"), out);
    }
}
