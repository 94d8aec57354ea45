package dev.peregrine.orchestrator.bundle;

import dev.peregrine.orchestrator.Backoff;
import dev.peregrine.orchestrator.backend.BackendClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the backend for the bundle and offers each new one to the cache. It remembers the
 * last etag it saw, good or bad, so a bundle that does not compile is not fetched again and
 * again; the next change on the backend gets a new etag.
 */
public final class BundlePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundlePoller.class);

    private final BackendClient backend;
    private final BundleCache cache;
    private final Backoff backoff;
    private final int waitSeconds;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastSeenEtag;

    public BundlePoller(BackendClient backend, BundleCache cache, Backoff backoff, int waitSeconds) {
        this.backend = backend;
        this.cache = cache;
        this.backoff = backoff;
        this.waitSeconds = waitSeconds;
        this.lastSeenEtag = cache.current().map(b -> b.etag()).orElse(null);
        this.thread = Thread.ofPlatform().name("bundle-poller").daemon().unstarted(this::run);
    }

    public BundlePoller start() {
        thread.start();
        return this;
    }

    private void run() {
        int failures = 0;
        while (running) {
            try {
                // the first request does not wait: an orchestrator without a bundle wants one now
                int wait = lastSeenEtag == null ? 0 : waitSeconds;
                switch (backend.pollBundle(Optional.ofNullable(lastSeenEtag), wait)) {
                    case BackendClient.BundlePoll.Changed changed -> {
                        lastSeenEtag = changed.etag();
                        cache.offer(changed.bundle());
                    }
                    case BackendClient.BundlePoll.NotModified ignored -> {
                    }
                }
                if (failures > 0) {
                    LOG.info("bundle poll: backend reachable again");
                }
                failures = 0;
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (Exception e) {
                Duration delay = backoff.delay(failures, ThreadLocalRandom.current());
                if (failures % 10 == 0) {
                    LOG.warn("bundle poll failed ({}); agents keep etag {}; retrying in {} ms",
                            e.getMessage() == null ? e.toString() : e.getMessage(),
                            cache.current().map(b -> b.etag()).orElse("<none>"), delay.toMillis());
                }
                failures++;
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    if (!running) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
