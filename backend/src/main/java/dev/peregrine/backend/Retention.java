package dev.peregrine.backend;

import dev.peregrine.backend.store.EventStore;
import dev.peregrine.backend.store.SettingsStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps events for a number of days (a setting), deleting older ones every hour and whenever the setting changes. */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    public static final String SETTING = "retention_days";
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 3650;
    static final Duration INTERVAL = Duration.ofHours(1);

    private final SettingsStore settings;
    private final EventStore events;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    public Retention(SettingsStore settings, EventStore events, Clock clock) {
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "event-retention");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::purgeLogged, 1, INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    public int days() {
        return settings.get(SETTING).map(Integer::parseInt).orElse(DEFAULT_DAYS);
    }

    public void setDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("retention must be 1 to " + MAX_DAYS + " days, got " + days);
        }
        settings.put(SETTING, Integer.toString(days));
        purgeLogged();
    }

    /** Deletes events older than the retention period now; answers how many. */
    public int purge() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(days()));
        return events.deleteOlderThan(cutoff);
    }

    private void purgeLogged() {
        try {
            int n = purge();
            if (n > 0) {
                LOG.info("retention: deleted {} events older than {} days", n, days());
            }
        } catch (RuntimeException e) {
            LOG.warn("retention: purge failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
