package dev.peregrine.cli.images;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * A Java runtime for images built FROM scratch: a jlink'd runtime image plus the C libraries
 * its executables and shared objects load (found with {@code ldd}, taken from this machine), so
 * the image needs no base image.
 */
public final class JavaRuntime {
    /**
     * What the distribution uses: HTTP client (registry, backend), JDBC and JMX (HikariCP),
     * JNDI (Jetty, PostgreSQL), XML (Flyway), {@code sun.misc.Unsafe} (Jetty, Jackson),
     * {@code com.sun.management} (process metrics), the JDK HTTP server (macro server) and DNS.
     */
    public static final List<String> MODULES = List.of(
            "java.base", "java.logging", "java.management", "java.naming", "java.net.http", "java.sql",
            "java.xml", "jdk.unsupported", "jdk.management", "jdk.zipfs", "jdk.httpserver", "jdk.crypto.ec",
            "jdk.naming.dns");

    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(\\S+)(?:\\s+=>\\s+(\\S+))?\\s+\\(0x[0-9a-f]+\\)\\s*$");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found\\s*$");

    private JavaRuntime() {
    }

    /** Runs jlink into {@code output} (which must not exist) with {@link #MODULES}. */
    public static void link(Path output) throws IOException {
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IOException(
                "jlink is not available in this Java runtime (" + System.getProperty("java.home")
                        + "); run peregrine on a full JDK 25, or give --runtime DIR with a runtime image made by jlink"));
        StringWriter out = new StringWriter();
        int status = jlink.run(new PrintWriter(out), new PrintWriter(out),
                "--add-modules", String.join(",", MODULES), "--strip-debug", "--no-man-pages", "--no-header-files",
                "--output", output.toString());
        if (status != 0) {
            throw new IOException("jlink failed (status " + status + "): " + out.toString().strip());
        }
    }

    /**
     * The shared libraries outside {@code runtime} that its executables and {@code .so} files
     * need, as absolute paths the dynamic loader looks up (the ELF interpreter included).
     * Libraries the runtime itself provides (libjvm.so) are not listed.
     */
    public static Set<Path> nativeLibraries(Path runtime) throws IOException, InterruptedException {
        List<Path> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(runtime)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".so") || f.getParent().getFileName().toString().equals("bin"))
                    .forEach(objects::add);
        }
        Set<String> provided = new TreeSet<>();
        objects.forEach(o -> provided.add(o.getFileName().toString()));
        Set<Path> libraries = new TreeSet<>();
        for (Path object : objects) {
            Process ldd = new ProcessBuilder("ldd", object.toString()).redirectErrorStream(true).start();
            String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ldd.waitFor();
            for (String line : output.split("\n")) {
                Matcher missing = NOT_FOUND.matcher(line);
                if (missing.matches()) {
                    if (!provided.contains(missing.group(1))) {
                        throw new IOException(object + " needs " + missing.group(1) + ", which this machine does not have");
                    }
                    continue;
                }
                Matcher m = LDD_LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String path = m.group(2) != null ? m.group(2) : m.group(1);
                if (path.startsWith("/") && !Path.of(path).normalize().startsWith(runtime.toAbsolutePath().normalize())) {
                    libraries.add(Path.of(path));
                }
            }
        }
        // glibc loads libgcc_s at run time for thread cancellation and unwinding.
        for (Path library : List.copyOf(libraries)) {
            Path gcc = library.resolveSibling("libgcc_s.so.1");
            if (library.getFileName().toString().equals("libc.so.6") && Files.exists(gcc)) {
                libraries.add(gcc);
            }
        }
        if (libraries.stream().noneMatch(p -> p.getFileName().toString().startsWith("ld-linux"))) {
            throw new IOException("ldd did not name the dynamic loader of " + runtime.resolve("bin/java")
                    + "; is ldd installed (package libc-bin)?");
        }
        return libraries;
    }
}
