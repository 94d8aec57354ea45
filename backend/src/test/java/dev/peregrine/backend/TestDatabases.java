package dev.peregrine.backend;

import dev.peregrine.backend.devdb.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh databases for tests: a new H2 file under a temporary directory, or a new database in
 * one private PostgreSQL cluster that lives as long as the test JVM.
 */
final class TestDatabases {
    enum Kind { H2, POSTGRESQL }

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static LocalPostgres postgres;

    private TestDatabases() {
    }

    /** A JDBC URL of an empty database of this kind. */
    static synchronized String fresh(Kind kind, Path tempDir) {
        return switch (kind) {
            case H2 -> "jdbc:h2:file:" + tempDir.resolve("h2-" + COUNTER.incrementAndGet()).toAbsolutePath();
            case POSTGRESQL -> postgres().createDatabase("peregrine_test_" + COUNTER.incrementAndGet());
        };
    }

    static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            try {
                String root = System.getProperty("peregrine.root");
                postgres = LocalPostgres.start(root == null ? null : Path.of(root), false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LocalPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-test-postgres"));
        }
        return postgres;
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("peregrine-backend-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
