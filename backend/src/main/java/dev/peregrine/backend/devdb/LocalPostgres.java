package dev.peregrine.backend.devdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private, throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary
 * directory, pg_ctl on 127.0.0.1 and a free port, trust authentication, removed on close.
 * Uses Debian's {@code postgresql} package (installed through {@code scripts/ensure-packages.sh}
 * when missing). PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private LocalPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Starts a cluster.
     *
     * @param repositoryRoot where {@code scripts/ensure-packages.sh} lives, or null to skip installing
     * @param durable        false turns fsync off: fine for tests, wrong for benchmarks
     */
    public static LocalPostgres start(Path repositoryRoot, boolean durable) throws IOException {
        Path bin = findBin().orElseGet(() -> {
            install(repositoryRoot);
            return findBin().orElseThrow(() -> new IllegalStateException(
                    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; apt-get install postgresql"));
        });
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("peregrine-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (root) {
            UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
            Files.setOwner(dir, pg);
        }
        LocalPostgres cluster = new LocalPostgres(bin, dir, freePort(), root);
        try {
            cluster.run(List.of(bin.resolve("initdb").toString(), "-D", cluster.data.toString(), "-U", SUPERUSER,
                    "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"));
            List<String> options = new ArrayList<>(List.of("-p", Integer.toString(cluster.port),
                    "-c", "listen_addresses=127.0.0.1", "-k", dir.toString(), "-c", "max_connections=100"));
            if (!durable) {
                options.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
            }
            cluster.run(List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.data.toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", String.join(" ", options), "start"));
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Creates a database and answers its JDBC URL. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and '_': " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
    }

    public int port() {
        return port;
    }

    /** Process id of the postmaster, whose children serve the connections. */
    public long serverPid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "-m", "fast", "stop"));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("LocalPostgres: stop failed: " + e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            String log = "";
            Path serverLog = dir.resolve("server.log");
            if (Files.exists(serverLog)) {
                log = "\nserver.log:\n" + Files.readString(serverLog);
            }
            throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue() + ":\n" + output + log);
        }
    }

    private static java.util.Optional<Path> findBin() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Integer versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void install(Path repositoryRoot) {
        if (repositoryRoot == null) {
            return;
        }
        try {
            Process p = new ProcessBuilder("bash", repositoryRoot.resolve("scripts/ensure-packages.sh").toString(), "postgresql")
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("scripts/ensure-packages.sh postgresql failed with exit code " + p.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
