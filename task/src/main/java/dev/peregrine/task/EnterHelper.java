package dev.peregrine.task;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The static {@code peregrine-enter} program (src/main/c/enter.c, built with the module and
 * carried as a resource), extracted to a private directory, and the arguments that tell it
 * what to do. Mounts, capabilities, user and argv are decided here; the C only carries them out.
 */
public final class EnterHelper {
    private static final String RESOURCE = "peregrine-enter";
    private final Path program;

    private EnterHelper(Path program) {
        this.program = program;
    }

    /** Extracts the helper under {@code dir} (0700), named by its content so that versions never mix. */
    public static EnterHelper extract(Path dir) throws IOException {
        byte[] bytes;
        try (InputStream in = EnterHelper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the " + RESOURCE + " helper is missing from the build (module task compiles it with gcc)");
            }
            bytes = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path program = dir.resolve(RESOURCE + "-" + hash);
        if (!Files.isExecutable(program)) {
            Path tmp = Files.createTempFile(dir, RESOURCE, ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, program, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new EnterHelper(program);
    }

    public Path program() {
        return program;
    }

    /**
     * Starts the container's PID 1 (the calling thread must live as long as the container: the
     * shim dies with it) in its own mount namespace and a new PID namespace, or the one
     * at {@code pidNamespace} (a task with pidMode "task").
     */
    public List<String> run(ContainerPlan plan, Path status, Path pidNamespace) {
        List<String> argv = new ArrayList<>(List.of(program.toString(), "run", "--die-with-parent", "--status", status.toString(),
                "--pid-ns", pidNamespace == null ? "new" : pidNamespace.toString(), "--root", plan.rootDir().toString()));
        switch (plan.root()) {
            case ContainerPlan.Overlay o -> mount(argv, "overlay", "overlay", "/", "-",
                    "lowerdir=" + o.lower() + ",upperdir=" + o.upper() + ",workdir=" + o.work());
            case ContainerPlan.BindRoot b -> mount(argv, "bind", b.dir().toString(), "/", "rbind", "-");
        }
        mount(argv, "proc", "proc", "/proc", "nosuid,nodev,noexec", "-");
        mount(argv, "tmpfs", "tmpfs", "/dev", "nosuid,strictatime", "mode=755,size=65536k");
        for (String device : List.of("null", "zero", "full", "random", "urandom", "tty")) {
            mount(argv, "bind", "/dev/" + device, "/dev/" + device, "-", "-");
        }
        mount(argv, "tmpfs", "shm", "/dev/shm", "nosuid,nodev,noexec", "mode=1777,size=65536k");
        for (ContainerPlan.Bind bind : plan.binds()) {
            mount(argv, "bind", bind.source().toString(), bind.containerPath(), bind.readOnly() ? "rbind,ro" : "rbind", "-");
        }
        symlink(argv, "/proc/self/fd", "/dev/fd");
        symlink(argv, "/proc/self/fd/0", "/dev/stdin");
        symlink(argv, "/proc/self/fd/1", "/dev/stdout");
        symlink(argv, "/proc/self/fd/2", "/dev/stderr");
        if (plan.definition().readonlyRootFilesystem()) {
            argv.add("--readonly-root");
        }
        credentials(argv, plan.user(), plan.caps(), plan.workingDirectory(), plan.env());
        argv.add("--");
        argv.addAll(plan.argv());
        return argv;
    }

    /** Runs {@code command} inside the namespaces of the container whose PID 1 is {@code hostPid}. */
    public List<String> exec(long hostPid, ContainerPlan plan, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(program.toString(), "exec", "--target", Long.toString(hostPid)));
        credentials(argv, plan.user(), plan.caps(), plan.workingDirectory(), plan.env());
        argv.add("--");
        argv.addAll(command);
        return argv;
    }

    /** A PID namespace of the task's own, whose PID 1 only reaps. */
    public List<String> init(Path status) {
        return List.of(program.toString(), "init", "--die-with-parent", "--status", status.toString());
    }

    /**
     * Whether overlays work with upper directories under {@code dir} (they do not on overlayfs or
     * some network filesystems): mounted once in a throwaway mount namespace.
     */
    public boolean overlayWorks(Path dir) throws IOException, InterruptedException {
        Path probe = Files.createTempDirectory(dir, "overlay-probe-");
        try {
            for (String d : List.of("lower", "upper", "work", "merged")) {
                Files.createDirectories(probe.resolve(d));
            }
            Process p = new ProcessBuilder(program.toString(), "overlay-works", probe.resolve("lower").toString(),
                    probe.resolve("upper").toString(), probe.resolve("work").toString(), probe.resolve("merged").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } finally {
            LayerUnpacker.delete(probe);
        }
    }

    private static void mount(List<String> argv, String type, String source, String target, String flags, String data) {
        argv.addAll(List.of("--mount", type, source, target, flags, data));
    }

    private static void symlink(List<String> argv, String target, String link) {
        argv.addAll(List.of("--symlink", target, link));
    }

    private static void credentials(List<String> argv, ContainerUser user, long caps, String cwd, List<String> env) {
        argv.addAll(List.of("--uid", Integer.toString(user.uid()), "--gid", Integer.toString(user.gid())));
        if (!user.groups().isEmpty()) {
            argv.addAll(List.of("--groups", String.join(",", user.groups().stream().map(String::valueOf).toList())));
        }
        argv.addAll(List.of("--caps", Long.toHexString(caps), "--cwd", cwd));
        for (String variable : env) {
            argv.addAll(List.of("--env", variable));
        }
    }
}
