package dev.peregrine.backend;

import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.backend.http.ApiServer;
import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.AgentStore;
import dev.peregrine.backend.store.BundleRevision;
import dev.peregrine.backend.store.Database;
import dev.peregrine.backend.store.EventStore;
import dev.peregrine.backend.store.PolicyStore;
import dev.peregrine.backend.store.RulesFileStore;
import dev.peregrine.backend.store.SettingsStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running backend: database, stores, bundle service, retention and the HTTP API. */
public final class Backend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    static final String ADMIN_TOKEN_HASH = "admin_token_hash";
    static final String ADMIN_TOKEN_PREFIX = "pga_";

    private final Database db;
    private final BundleService bundle;
    private final Retention retention;
    private final ApiServer server;
    private final EventStore events;
    private final JvmGcMetrics gcMetrics;

    private Backend(Database db, BundleService bundle, Retention retention, ApiServer server, EventStore events,
                    JvmGcMetrics gcMetrics) {
        this.db = db;
        this.bundle = bundle;
        this.retention = retention;
        this.server = server;
        this.events = events;
        this.gcMetrics = gcMetrics;
    }

    public static Backend start(BackendConfig config) {
        return start(config, new FalcoRulesValidator(), Clock.systemUTC());
    }

    public static Backend start(BackendConfig config, RulesValidator validator, Clock clock) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(metrics);

        if (config.dbUrl() == null) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
            }
        }
        Database db = Database.open(config.effectiveDbUrl(), metrics);
        try {
            SettingsStore settings = new SettingsStore(db);
            AccessKeyStore keys = new AccessKeyStore(db);
            RulesFileStore rulesFiles = new RulesFileStore(db);
            PolicyStore policies = new PolicyStore(db);
            EventStore events = new EventStore(db);
            AgentStore agents = new AgentStore(db);

            String adminHash = adminTokenHash(config, settings);
            FirstStart.seed(settings, rulesFiles, policies, clock.instant());
            BundleService bundle = new BundleService(rulesFiles, policies, new BundleRevision(db));
            Retention retention = new Retention(settings, events, clock);
            ApiServer server = new ApiServer(config, new ApiServer.Parts(db, keys, rulesFiles, policies, events, agents,
                    bundle, retention, validator, metrics, adminHash, clock)).start();
            return new Backend(db, bundle, retention, server, events, gc);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The admin token's hash: from the environment's token, else stored, else generated now and printed once. */
    private static String adminTokenHash(BackendConfig config, SettingsStore settings) {
        if (config.adminToken() != null) {
            return Secrets.hash(config.adminToken());
        }
        return settings.get(ADMIN_TOKEN_HASH).orElseGet(() -> {
            String token = Secrets.generate(ADMIN_TOKEN_PREFIX);
            if (settings.putIfAbsent(ADMIN_TOKEN_HASH, Secrets.hash(token))) {
                config.announce().println("Peregrine admin token (shown once, keep it safe): " + token);
                config.announce().flush();
                LOG.info("generated the admin token; it was printed once and only its hash is stored");
            }
            return settings.get(ADMIN_TOKEN_HASH).orElseThrow();
        });
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return db;
    }

    public BundleService bundle() {
        return bundle;
    }

    public Retention retention() {
        return retention;
    }

    public EventStore events() {
        return events;
    }

    /** Graceful: drains HTTP first, then stops background work and closes the pool. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            retention.close();
            bundle.close();
            gcMetrics.close();
            db.close();
            LOG.info("backend stopped");
        }
    }
}
