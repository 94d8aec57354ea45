package dev.peregrine.orchestrator.bundle;

import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good bundle: in memory for agents, on disk so that a restart without a backend
 * still serves them. Only bundles that compile get in; listeners hear about every new one.
 */
public final class BundleCache {
    private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);

    private final Path file;
    private final AtomicReference<Bundle> current = new AtomicReference<>();
    private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<String>>> invalidListeners = new CopyOnWriteArrayList<>();

    public BundleCache(Path file) {
        this.file = file;
    }

    /** Loads the bundle saved by an earlier run, if there is one and it still compiles. */
    public Optional<Bundle> loadFromDisk() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Bundle bundle = ProtocolJson.read(Files.readAllBytes(file), Bundle.class);
            List<String> errors = BundleValidator.errors(bundle);
            if (!errors.isEmpty()) {
                LOG.error("saved bundle {} (etag {}) does not compile any more, ignoring it: {}", file, bundle.etag(), errors);
                return Optional.empty();
            }
            current.set(bundle);
            LOG.info("serving saved bundle etag {} from {} until the backend answers", bundle.etag(), file);
            return Optional.of(bundle);
        } catch (ProtocolException e) {
            LOG.error("saved bundle {} is unreadable at '{}': {}; waiting for the backend", file, e.field(), e.getMessage());
        } catch (IOException e) {
            LOG.error("cannot read saved bundle {}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    public Optional<Bundle> current() {
        return Optional.ofNullable(current.get());
    }

    public void onChange(Consumer<Bundle> listener) {
        listeners.add(listener);
    }

    /** Hears the errors of every offered bundle that did not compile. */
    public void onInvalid(Consumer<List<String>> listener) {
        invalidListeners.add(listener);
    }

    /**
     * Offers a bundle from the backend. It replaces the current one only if it compiles and is
     * different; then it is saved and pushed to listeners. Returns the errors (empty = accepted).
     */
    public List<String> offer(Bundle bundle) {
        Bundle previous = current.get();
        if (previous != null && previous.equals(bundle)) {
            return List.of();
        }
        List<String> errors = BundleValidator.errors(bundle);
        if (!errors.isEmpty()) {
            LOG.error("bundle etag {} from the backend does not compile; agents keep etag {}. {} error(s): {}",
                    bundle.etag(), previous == null ? "<none>" : previous.etag(), errors.size(), errors);
            invalidListeners.forEach(l -> l.accept(errors));
            return errors;
        }
        save(bundle);
        current.set(bundle);
        LOG.info("bundle etag {} accepted ({} rules file(s), {} policies)", bundle.etag(), bundle.rulesFiles().size(), bundle.policies().size());
        for (Consumer<Bundle> listener : listeners) {
            try {
                listener.accept(bundle);
            } catch (RuntimeException e) {
                LOG.error("bundle listener failed: {}", e.toString());
            }
        }
        return List.of();
    }

    private void save(Bundle bundle) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, ProtocolJson.writeBytes(bundle));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot save bundle to {} ({}); it is served from memory only", file, e.toString());
        }
    }
}
