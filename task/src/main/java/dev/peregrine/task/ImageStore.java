package dev.peregrine.task;

import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Pulls images with the instrument module's registry client and keeps their unpacked root
 * filesystems under {@code cache/images/<manifest digest>/rootfs}: a digest is pulled once. The
 * cached tree is only read: each container writes to its own overlay on top.
 */
public final class ImageStore {
    private final RegistryClient registry;
    private final Path cache;
    private final Consumer<String> progress;

    /** An image's config and its unpacked root filesystem. */
    public record Pulled(ImageConfig config, Path rootfs) {
    }

    public ImageStore(RegistryClient registry, Path cache, Consumer<String> progress) {
        this.registry = registry;
        this.cache = cache;
        this.progress = progress;
    }

    public Pulled pull(String reference, Platform platform) throws RegistryException, IOException {
        RegistryClient.Image image = registry.image(reference, platform);
        String key = image.config().digest() != null ? image.config().digest() : fallbackKey(image);
        Path dir = cache.resolve("images").resolve(key.replace(':', '-'));
        Path rootfs = dir.resolve("rootfs");
        if (Files.exists(dir.resolve("complete"))) {
            progress.accept("using cached " + reference + " (" + key + ")");
            return new Pulled(image.config(), rootfs);
        }
        progress.accept("pulling " + reference + " (" + image.layers().size() + " layers)");
        Files.createDirectories(cache.resolve("images"));
        Path work = Files.createTempDirectory(cache.resolve("images"), "pull-");
        try {
            Path unpacked = work.resolve("rootfs");
            Files.createDirectories(unpacked);
            LayerUnpacker unpacker = new LayerUnpacker(unpacked);
            for (RegistryClient.Layer layer : image.layers()) {
                Path blob = work.resolve("layer");
                registry.download(reference, layer.digest(), blob);
                unpacker.apply(blob);
                Files.delete(blob);
            }
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("complete"))) { // else another run pulled it meanwhile, and it may be in use
                LayerUnpacker.delete(rootfs);
                Files.move(unpacked, rootfs, StandardCopyOption.ATOMIC_MOVE);
                Files.writeString(dir.resolve("complete"), reference + "\n");
            }
        } finally {
            LayerUnpacker.delete(work);
        }
        return new Pulled(image.config(), rootfs);
    }

    private static String fallbackKey(RegistryClient.Image image) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            image.layers().forEach(l -> sha.update((l.digest() + "\n").getBytes(StandardCharsets.UTF_8)));
            return "layers:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
