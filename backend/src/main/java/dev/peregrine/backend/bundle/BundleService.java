package dev.peregrine.backend.bundle;

import dev.peregrine.backend.Secrets;
import dev.peregrine.backend.store.BundleRevision;
import dev.peregrine.backend.store.PolicyStore;
import dev.peregrine.backend.store.RulesFileStore;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.RulesFileContent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current bundle and the long polls waiting for the next one. Changes made through this
 * replica wake waiters at once; changes made through another replica are seen by polling the
 * revision counter every {@link #POLL_INTERVAL}.
 */
public final class BundleService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleService.class);
    public static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private final RulesFileStore rulesFiles;
    private final PolicyStore policies;
    private final BundleRevision revision;
    private final ConcurrentLinkedQueue<CompletableFuture<Optional<Bundle>>> waiters = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService poller;
    private volatile Bundle current;
    private volatile long knownRevision = -1;

    public BundleService(RulesFileStore rulesFiles, PolicyStore policies, BundleRevision revision) {
        this.rulesFiles = rulesFiles;
        this.policies = policies;
        this.revision = revision;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bundle-revision-poller");
            t.setDaemon(true);
            return t;
        });
        refresh();
        poller.scheduleWithFixedDelay(this::pollRevision, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Bundle current() {
        return current;
    }

    /** Call after a write through this replica: rebuilds the bundle and wakes the waiters. */
    public synchronized void refresh() {
        long rev = revision.current();
        List<RulesFileContent> files = rulesFiles.all().stream()
                .map(f -> new RulesFileContent(f.name(), f.content())).toList();
        List<Policy> pols = policies.all();
        Bundle next = new Bundle(etag(files, pols), files, pols);
        knownRevision = rev;
        Bundle before = current;
        current = next;
        if (before == null || !before.etag().equals(next.etag())) {
            wake(Optional.of(next));
        }
    }

    /**
     * The bundle when its etag differs from {@code ifNoneMatch}, at once or as soon as it
     * changes within {@code wait}; empty when nothing changed in that time.
     */
    public CompletableFuture<Optional<Bundle>> await(String ifNoneMatch, Duration wait) {
        Bundle now = current;
        if (ifNoneMatch == null || !ifNoneMatch.equals(now.etag())) {
            return CompletableFuture.completedFuture(Optional.of(now));
        }
        if (wait.isZero()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<Bundle>> f = new CompletableFuture<>();
        waiters.add(f);
        // Close the race with a refresh that ran between reading `current` and queueing.
        if (!current.etag().equals(ifNoneMatch)) {
            f.complete(Optional.of(current));
        }
        f.completeOnTimeout(Optional.empty(), wait.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> waiters.remove(f));
        return f;
    }

    public int waiting() {
        return waiters.size();
    }

    private void wake(Optional<Bundle> value) {
        CompletableFuture<Optional<Bundle>> f;
        while ((f = waiters.poll()) != null) {
            f.complete(value);
        }
    }

    private void pollRevision() {
        try {
            if (revision.current() != knownRevision) {
                refresh();
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read the bundle revision: {}", e.getMessage());
        }
    }

    /** Strong ETag over the canonical JSON of the content: equal content, equal tag, on every replica. */
    static String etag(List<RulesFileContent> files, List<Policy> policies) {
        String json = ProtocolJson.write(new Object[] {files, policies});
        return "\"" + Secrets.hash(json).substring(0, 32) + "\"";
    }

    /** Answers every waiting long poll with "not modified" and stops polling. */
    @Override
    public void close() {
        poller.shutdownNow();
        wake(Optional.empty());
    }
}
