package dev.peregrine.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the packaged distribution the way the launcher does: java -jar peregrine.jar. */
class DistributionIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));

    record Result(int exit, String out, String err) {
    }

    static Result runJar(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void manifestGrantsNativeAccessAndNamesTheClassPath() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " was not built");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertEquals("ALL-UNNAMED", attributes.getValue("Enable-Native-Access"));
            assertEquals("dev.peregrine.cli.Main", attributes.getValue("Main-Class"));
            for (String entry : attributes.getValue("Class-Path").split(" ")) {
                assertTrue(Files.isRegularFile(JAR.resolveSibling(entry)), "missing " + entry);
            }
        }
    }

    @Test
    void versionRunsFromTheJarWithoutWarnings() throws Exception {
        Result r = runJar("--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("peregrine "), r.out());
        assertFalse(r.err().contains("WARNING"), r.err());
    }

    static Result runJarWithLogLevel(String level, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PEREGRINE_LOG_LEVEL", level);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), output, "");
    }

    @Test
    void badLogLevelFailsFast() throws Exception {
        Result r = runJarWithLogLevel("loud", "--version");
        assertEquals(2, r.exit());
        assertTrue(r.out().contains("PEREGRINE_LOG_LEVEL='loud' is not valid"), r.out());
    }

    @Test
    void logLevelComesFromTheEnvironment() throws Exception {
        Result debug = runJarWithLogLevel("debug", "--version");
        assertEquals(0, debug.exit(), debug.out());
        assertTrue(debug.out().contains("DEBUG Main - peregrine "), debug.out());
        Result info = runJarWithLogLevel("info", "--version");
        assertFalse(info.out().contains("DEBUG"), info.out());
    }
}
