package dev.peregrine.task;

import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.RegistryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns a task definition into container plans with Docker's rules: images pulled (or the given
 * directories), command = entryPoint + command over the image's Entrypoint/Cmd (a task entryPoint
 * drops the image Cmd), environment over the image's Env, working directory and user over the
 * image's, capabilities over Docker's default set; volumes: the task's volumes at their mount
 * points, each image volume a fresh directory with the image's content, and {@code volumesFrom}
 * the source container's volumes at the same paths.
 */
final class TaskPlanner {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final TaskDefinition task;
    private final TaskOptions options;
    private final ImageStore images;
    private final Path taskDir;
    private final Function<String, String> metadataUri;
    private final Consumer<String> progress;
    private final boolean overlays;
    private java.util.function.BooleanSupplier stopped = () -> false;

    /** @param overlays whether containers get an overlay over the cached image, else a copy of it */
    TaskPlanner(TaskDefinition task, TaskOptions options, ImageStore images, Path taskDir, Function<String, String> metadataUri,
                Consumer<String> progress, boolean overlays) {
        this.overlays = overlays;
        this.task = task;
        this.options = options;
        this.images = images;
        this.taskDir = taskDir;
        this.metadataUri = metadataUri;
        this.progress = progress;
    }

    private record Source(ImageConfig config, Path lower, ContainerPlan.Root root, Path dir) {
    }

    /** Asked before each image: a task stopped while pulling goes no further. */
    TaskPlanner stopWhen(java.util.function.BooleanSupplier stopped) {
        this.stopped = stopped;
        return this;
    }

    List<ContainerPlan> plan() throws TaskException, IOException {
        Map<String, Source> sources = new LinkedHashMap<>();
        for (TaskDefinition.Container c : task.containers()) {
            if (stopped.getAsBoolean()) {
                throw new TaskException("the task was stopped before its containers started");
            }
            sources.put(c.name(), source(c));
        }
        Map<String, List<ContainerPlan.Bind>> own = new LinkedHashMap<>();
        for (TaskDefinition.Container c : task.containers()) {
            own.put(c.name(), ownVolumes(c, sources.get(c.name())));
        }
        List<ContainerPlan> plans = new ArrayList<>();
        for (TaskDefinition.Container c : task.containers()) {
            Source source = sources.get(c.name());
            List<ContainerPlan.Bind> binds = new ArrayList<>(hostFiles(source.dir()));
            List<ContainerPlan.Bind> volumes = new ArrayList<>(own.get(c.name()));
            for (TaskDefinition.VolumeFrom from : c.volumesFrom()) {
                for (ContainerPlan.Bind b : own.get(from.sourceContainer())) {
                    volumes.removeIf(v -> v.containerPath().equals(b.containerPath()));
                    volumes.add(new ContainerPlan.Bind(b.source(), b.containerPath(), from.readOnly() || b.readOnly()));
                }
            }
            volumes.sort(Comparator.comparingInt(b -> b.containerPath().split("/").length));
            binds.addAll(volumes);
            ImageConfig config = source.config();
            ContainerUser user = ContainerUser.resolve(c.user() != null ? c.user() : config.user(), source.lower(), c.name());
            String dockerId = hex(32);
            String cwd = c.workingDirectory() != null ? c.workingDirectory() : config.workingDir() != null ? config.workingDir() : "/";
            long caps = Capabilities.mask(c.capAdd(), c.capDrop(), "container '" + c.name() + "': LinuxParameters.Capabilities");
            plans.add(new ContainerPlan(c, config, config.digest() != null ? config.digest() : "", source.root(),
                    source.dir().resolve("root"), source.lower(), argv(c, config), env(c, config, user, dockerId), cwd, user, binds,
                    caps, dockerId));
        }
        return plans;
    }

    /** Docker's rules: a task entryPoint replaces the image's and drops its Cmd; a task command replaces the Cmd. */
    static List<String> argv(TaskDefinition.Container c, ImageConfig config) throws TaskException {
        List<String> entrypoint = c.entryPoint() != null ? c.entryPoint() : config.entrypoint() != null ? config.entrypoint() : List.of();
        List<String> command = c.command() != null ? c.command() : c.entryPoint() != null ? List.of()
                : config.cmd() != null ? config.cmd() : List.of();
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(command);
        if (argv.isEmpty()) {
            throw new TaskException("container '" + c.name() + "': nothing to run (neither the task definition nor the image "
                    + c.image() + " gives an EntryPoint or Command)");
        }
        return argv;
    }

    private List<String> env(TaskDefinition.Container c, ImageConfig config, ContainerUser user, String dockerId) {
        Map<String, String> env = new LinkedHashMap<>();
        if (config.env() != null) {
            for (String entry : config.env()) {
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
        }
        env.putAll(c.environment());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putIfAbsent("HOME", user.home());
        env.put("ECS_CONTAINER_METADATA_URI_V4", metadataUri.apply(dockerId));
        env.put("ECS_CONTAINER_METADATA_URI", metadataUri.apply(dockerId).replace("/v4/", "/v3/"));
        env.putIfAbsent("AWS_EXECUTION_ENV", "AWS_ECS_FARGATE");
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private Source source(TaskDefinition.Container c) throws TaskException, IOException {
        Path dir = taskDir.resolve("containers").resolve(c.name());
        Files.createDirectories(dir.resolve("root"));
        Path given = options.rootfs().get(c.name());
        if (given != null) {
            if (!Files.isDirectory(given)) {
                throw new TaskException("container '" + c.name() + "': --rootfs " + given + " is not a directory");
            }
            ImageConfig config;
            try {
                config = options.registry().config(c.image(), options.platform());
            } catch (RegistryException e) {
                progress.accept("container '" + c.name() + "': no image config (" + e.getMessage() + "); using " + given + " as it is");
                config = new ImageConfig(c.image(), options.platform(), null, null, null, null, null);
            }
            return new Source(config, given.toAbsolutePath(), new ContainerPlan.BindRoot(given.toAbsolutePath()), dir);
        }
        ImageStore.Pulled pulled;
        try {
            pulled = images.pull(c.image(), options.platform());
        } catch (RegistryException e) {
            throw new TaskException("container '" + c.name() + "': cannot pull " + c.image() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TaskException("container '" + c.name() + "': cannot unpack " + c.image() + ": " + e.getMessage(), e);
        }
        if (!overlays) {
            Path copy = dir.resolve("rootfs");
            Files.createDirectories(copy);
            copy(pulled.rootfs(), copy);
            return new Source(pulled.config(), copy, new ContainerPlan.BindRoot(copy), dir);
        }
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        return new Source(pulled.config(), pulled.rootfs(),
                new ContainerPlan.Overlay(pulled.rootfs(), dir.resolve("upper"), dir.resolve("work")), dir);
    }

    /** Task volumes at the container's mount points, then image volumes that no mount point covers. */
    private List<ContainerPlan.Bind> ownVolumes(TaskDefinition.Container c, Source source) throws IOException {
        List<ContainerPlan.Bind> binds = new ArrayList<>();
        for (TaskDefinition.MountPoint m : c.mountPoints()) {
            Path volume = taskDir.resolve("volumes").resolve(m.sourceVolume());
            Files.createDirectories(volume);
            binds.add(new ContainerPlan.Bind(volume, clean(m.containerPath()), m.readOnly()));
        }
        List<String> imageVolumes = source.config().volumes() == null ? List.of() : source.config().volumes();
        int n = 0;
        for (String path : imageVolumes) {
            String p = clean(path);
            if (binds.stream().anyMatch(b -> b.containerPath().equals(p))) {
                continue;
            }
            Path volume = source.dir().resolve("image-volumes").resolve(Integer.toString(n++));
            Files.createDirectories(volume);
            Path content = new LayerUnpacker(source.lower()).resolve(p, true);
            if (Files.isDirectory(content)) {
                copy(content, volume);
            }
            binds.add(new ContainerPlan.Bind(volume, p, false));
        }
        return binds;
    }

    /** The host's name resolution, as copies: a container writing /etc/hosts must not change the host's. */
    private List<ContainerPlan.Bind> hostFiles(Path dir) throws IOException {
        List<ContainerPlan.Bind> binds = new ArrayList<>();
        for (String file : List.of("/etc/hosts", "/etc/resolv.conf")) {
            Path copy = dir.resolve("etc").resolve(Path.of(file).getFileName());
            Files.createDirectories(copy.getParent());
            Path host = Path.of(file);
            Files.writeString(copy, Files.isReadable(host) ? Files.readString(host)
                    : file.endsWith("hosts") ? "127.0.0.1\tlocalhost\n::1\tlocalhost\n" : "");
            binds.add(new ContainerPlan.Bind(copy, file, false));
        }
        return binds;
    }

    private static void copy(Path from, Path to) throws IOException {
        // cp keeps owners, modes, links and times exactly.
        try {
            Process cp = new ProcessBuilder("cp", "-a", from + "/.", to + "/").redirectErrorStream(true).start();
            String output = new String(cp.getInputStream().readAllBytes());
            if (cp.waitFor() != 0) {
                throw new IOException("copying " + from + " to " + to + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String clean(String path) {
        String p = Path.of(path).normalize().toString();
        return p.startsWith("/") ? p : "/" + p;
    }

    static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
