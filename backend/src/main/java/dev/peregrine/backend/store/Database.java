package dev.peregrine.backend.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and the schema. H2 runs in PostgreSQL mode so that one set of
 * migrations and one set of statements serve both databases.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    public enum Kind { H2, POSTGRESQL }

    private final HikariDataSource pool;
    private final Kind kind;
    private final String displayUrl;

    private Database(HikariDataSource pool, Kind kind, String displayUrl) {
        this.pool = pool;
        this.kind = kind;
        this.displayUrl = displayUrl;
    }

    /** The default database: an H2 file under {@code dataDir}. */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("peregrine");
    }

    /**
     * Opens the pool and migrates the schema to the newest version.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL; credentials as URL parameters
     *            ({@code ?user=..&password=..}) for PostgreSQL
     */
    public static Database open(String url, MeterRegistry metrics) {
        Kind kind = kindOf(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(kind == Kind.H2 ? h2Url(url) : postgresUrl(url));
        config.setPoolName("peregrine-db");
        config.setMaximumPoolSize(kind == Kind.H2 ? 8 : 16);
        config.setConnectionTimeout(10_000);
        if (metrics != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        }
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        String display = url.replaceAll("(?i)(password=)[^&;]*", "$1***");
        LOG.info("database {} ({}) ready", display, kind);
        return new Database(pool, kind, display);
    }

    static Kind kindOf(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            return Kind.H2;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        throw new IllegalArgumentException("database URL must start with jdbc:h2: or jdbc:postgresql:, got '"
                + url.replaceAll("(?i)(password=)[^&;]*", "$1***") + "'");
    }

    private static String h2Url(String url) {
        StringBuilder out = new StringBuilder(url);
        String upper = url.toUpperCase(Locale.ROOT);
        if (!upper.contains(";MODE=")) {
            out.append(";MODE=PostgreSQL");
        }
        if (!upper.contains(";DATABASE_TO_LOWER=")) {
            out.append(";DATABASE_TO_LOWER=TRUE");
        }
        if (!upper.contains(";DEFAULT_NULL_ORDERING=")) {
            out.append(";DEFAULT_NULL_ORDERING=HIGH");
        }
        if (!upper.contains(";CACHE_SIZE=")) {
            // KiB; H2's 16 MiB default evicts index pages under sustained ingest.
            out.append(";CACHE_SIZE=131072");
        }
        return out.toString();
    }

    private static String postgresUrl(String url) {
        // Multi-row inserts are how ingest reaches its throughput; the driver can batch them further.
        return url.contains("reWriteBatchedInserts") ? url
                : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Kind kind() {
        return kind;
    }

    public String displayUrl() {
        return displayUrl;
    }

    /** Whether a trivial query answers within a second, for {@code /healthz}. */
    public boolean healthy() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
