package dev.peregrine.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal root filesystem for a container image: no glibc and no shell, only a few test
 * programs, either static (like distroless/static or scratch) or linked against musl with
 * musl's loader (like Alpine without busybox). The bundle is not copied in: {@link #run}
 * mounts it read-only at /opt/peregrine, as ECS mounts the sidecar's volume.
 */
record Rootfs(String name, Path dir) {
    static final List<String> PROGRAMS = List.of("exit-with", "reader", "show-env", "await-signal");
    static final String SECRET = "/etc/test-secret";
    static final String RULES = "/etc/peregrine/rules.yaml";
    static final String RULE = "Read of the bundle test secret";

    /** Static programs only: nothing to load, like scratch. */
    static Rootfs scratch(Path dir, Path sources) throws IOException {
        Rootfs rootfs = skeleton("scratch", dir);
        for (String program : PROGRAMS) {
            exec(List.of("gcc", "-static", "-O1", "-o", dir.resolve("bin/" + program).toString(),
                    sources.resolve(program + ".c").toString()));
        }
        return rootfs;
    }

    /** Dynamically linked musl programs and musl's loader, like Alpine. */
    static Rootfs musl(Path dir, Path sources) throws IOException {
        Rootfs rootfs = skeleton("musl", dir);
        for (String program : PROGRAMS) {
            exec(List.of("musl-gcc", "-O1", "-o", dir.resolve("bin/" + program).toString(),
                    sources.resolve(program + ".c").toString()));
        }
        Files.createDirectories(dir.resolve("lib"));
        // Debian's musl loader is musl's libc itself (a symlink to it): one file, as in Alpine.
        Files.copy(Path.of("/lib/ld-musl-x86_64.so.1").toRealPath(), dir.resolve("lib/ld-musl-x86_64.so.1"));
        return rootfs;
    }

    private static Rootfs skeleton(String name, Path dir) throws IOException {
        if (Files.exists(dir)) {
            exec(List.of("rm", "-rf", dir.toString()));
        }
        for (String d : List.of("bin", "proc", "dev", "opt/peregrine", "etc/peregrine")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve(SECRET.substring(1)), "s3cret\n");
        Files.writeString(dir.resolve(RULES.substring(1)), """
                - rule: %s
                  desc: a workload opens the test secret
                  condition: evt.type in (open, openat, openat2) and fd.name = %s
                  output: test secret opened (proc.name=%%proc.name fd.name=%%fd.name)
                  priority: WARNING
                  tags: [bundle_test]
                """.formatted(RULE, SECRET));
        return new Rootfs(name, dir);
    }

    /** Every regular file and link in the rootfs, relative to it. */
    List<String> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p)).map(p -> "/" + dir.relativize(p)).toList();
        }
    }

    /**
     * Starts {@code command} inside this rootfs the way a container runtime would: a new mount
     * and PID namespace (the command is PID 1), /proc mounted, a /dev with only null, zero,
     * random and urandom, the bundle bind-mounted read-only at /opt/peregrine (as ECS mounts the
     * sidecar's volume), then {@code enter} (chroot + execve) with exactly {@code env}.
     */
    Process start(Path enter, Path bundle, List<String> env, List<String> command, Path stdout, Path stderr) throws IOException {
        String inNamespace = """
                set -e; r=$1; b=$2; shift 2
                mount -t proc proc "$r/proc"
                mount -t tmpfs -o mode=755 dev "$r/dev"
                for d in null zero random urandom; do : > "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
                mount --bind "$b" "$r/opt/peregrine"
                mount -o remount,bind,ro "$r/opt/peregrine"
                exec "$@"
                """;
        List<String> argv = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                "/bin/sh", "-c", inNamespace, "sh", dir.toString(), bundle.toString(), enter.toString(), dir.toString()));
        argv.addAll(env);
        argv.add("--");
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return builder.start();
    }

    static void exec(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
