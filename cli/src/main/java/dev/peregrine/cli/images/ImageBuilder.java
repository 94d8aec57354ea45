package dev.peregrine.cli.images;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Builds an {@link ImageRecipe} with Jib Core (no Docker daemon): to an OCI image tarball or
 * straight to a registry. Files keep their permission bits; every timestamp is Jib's fixed
 * epoch + 1 s, so the same inputs give the same layer digests.
 */
public final class ImageBuilder {
    private static final Instant FILE_TIME = Instant.ofEpochSecond(1);

    private final Path cache;
    private final String tool;

    /** @param cache Jib's layer cache (kept between builds, so a push after a tarball build reuses the layers) */
    public ImageBuilder(Path cache, String version) {
        this.cache = cache;
        this.tool = version;
    }

    /** The image's platform: this machine's, since the runtime and C libraries are taken from it. */
    public static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> throw new IllegalStateException("unsupported architecture " + arch);
        };
    }

    /** Writes the image as an OCI image tarball named {@code reference}; returns the image digest. */
    public String toTarball(ImageRecipe recipe, String reference, Path tarball)
            throws IOException, InterruptedException {
        try {
            Files.createDirectories(tarball.toAbsolutePath().getParent());
            return containerize(recipe, configure(Containerizer.to(TarImage.at(tarball).named(reference))));
        } catch (InvalidImageReferenceException e) {
            throw new IOException("bad image reference '" + reference + "': " + e.getMessage(), e);
        }
    }

    /** Pushes the image to a registry; {@code insecure} allows plain HTTP and unverified TLS. */
    public String push(ImageRecipe recipe, String reference, String username, String password, boolean insecure)
            throws IOException, InterruptedException {
        try {
            RegistryImage target = RegistryImage.named(reference);
            if (username != null) {
                target.addCredential(username, password);
            }
            return containerize(recipe, configure(Containerizer.to(target)).setAllowInsecureRegistries(insecure));
        } catch (InvalidImageReferenceException e) {
            throw new IOException("bad image reference '" + reference + "': " + e.getMessage(), e);
        }
    }

    private Containerizer configure(Containerizer containerizer) {
        return containerizer.setToolName("peregrine").setToolVersion(tool)
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("application"));
    }

    private static String containerize(ImageRecipe recipe, Containerizer containerizer) throws IOException, InterruptedException {
        JibContainerBuilder builder = plan(recipe);
        try {
            JibContainer container = builder.containerize(containerizer);
            return container.getDigest().toString();
        } catch (RegistryException e) {
            throw new IOException(recipe.name() + ": the registry refused the image: " + e.getMessage(), e);
        } catch (CacheDirectoryCreationException e) {
            throw new IOException(recipe.name() + ": cannot create the layer cache: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(recipe.name() + ": " + cause.getMessage(), cause);
        }
    }

    /** The Jib build plan of a recipe: FROM scratch, the recipe's layers and config. */
    static JibContainerBuilder plan(ImageRecipe recipe) throws IOException {
        JibContainerBuilder builder = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .setPlatforms(java.util.Set.of(new Platform(architecture(), "linux")))
                .setEntrypoint(recipe.entrypoint())
                .setProgramArguments(recipe.cmd().isEmpty() ? null : recipe.cmd())
                .setEnvironment(recipe.env())
                .setWorkingDirectory(AbsoluteUnixPath.get(recipe.workingDir()))
                .setUser(recipe.user())
                .addLabel("org.opencontainers.image.title", recipe.name())
                .addLabel("org.opencontainers.image.source", "https://github.com/peregrine-security/peregrine");
        for (Integer port : recipe.ports()) {
            builder.addExposedPort(Port.tcp(port));
        }
        for (String volume : recipe.volumes()) {
            builder.addVolume(AbsoluteUnixPath.get(volume));
        }
        for (ImageRecipe.Layer layer : recipe.layers()) {
            builder.addFileEntriesLayer(layer(layer));
        }
        return builder;
    }

    private static FileEntriesLayer layer(ImageRecipe.Layer layer) throws IOException {
        FileEntriesLayer.Builder entries = FileEntriesLayer.builder().setName(layer.name());
        for (ImageRecipe.Tree tree : layer.trees()) {
            if (!Files.exists(tree.source())) {
                throw new IOException("layer " + layer.name() + ": " + tree.source() + " does not exist");
            }
            AbsoluteUnixPath target = AbsoluteUnixPath.get(tree.target());
            try (Stream<Path> files = Files.walk(tree.source())) {
                files.sorted().forEach(file -> {
                    AbsoluteUnixPath path = target;
                    for (Path part : tree.source().relativize(file)) {
                        if (!part.toString().isEmpty()) {
                            path = path.resolve(part.toString());
                        }
                    }
                    entries.addEntry(file, path, permissions(file), FILE_TIME, tree.ownership());
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return entries.build();
    }

    private static FilePermissions permissions(Path file) {
        try {
            return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names() {
        return PeregrineImages.NAMES;
    }
}
