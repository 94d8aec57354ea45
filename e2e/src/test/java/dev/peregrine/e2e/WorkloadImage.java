package dev.peregrine.e2e;

import dev.peregrine.cli.images.ImageBuilder;
import dev.peregrine.cli.images.ImageRecipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A workload image made by the test from files on this machine: {@code /bin/workload}
 * (e2e/src/test/c/workload.c) built static with glibc (like distroless/static) or against musl
 * with musl's loader (like Alpine), an {@code /etc/shadow} to be read, and an image config with
 * its own Entrypoint and Cmd. No shell and no glibc shared library in either.
 */
record WorkloadImage(String reference, Path rootfs, List<String> entrypoint, List<String> cmd) {
    static final String SHADOW = "root:*:20000:0:99999:7:::\nworkload:!:20000::::::\n";

    enum Libc {
        STATIC, MUSL
    }

    /** Builds the root file system of the workload under {@code dir}. */
    static Path rootfs(Path dir, Path source, Libc libc) throws IOException {
        for (String d : List.of("bin", "etc", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Path program = dir.resolve("bin/workload");
        if (libc == Libc.STATIC) {
            exec(List.of("gcc", "-static", "-O1", "-o", program.toString(), source.toString()));
        } else {
            exec(List.of("musl-gcc", "-O1", "-o", program.toString(), source.toString()));
            Files.createDirectories(dir.resolve("lib"));
            // Debian's musl loader is a link to musl's libc: one real file, as in Alpine.
            Files.copy(Path.of("/lib/ld-musl-x86_64.so.1").toRealPath(), dir.resolve("lib/ld-musl-x86_64.so.1"));
        }
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/workload\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("etc/shadow"), SHADOW, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(dir.resolve("etc/shadow"), PosixFilePermissions.fromString("rw-------"));
        return dir;
    }

    /** Pushes {@code rootfs} as one image (one layer per top-level directory) with this Entrypoint and Cmd. */
    static WorkloadImage push(ImageBuilder builder, Path rootfs, String reference, List<String> entrypoint, List<String> cmd)
            throws IOException, InterruptedException {
        List<ImageRecipe.Tree> trees = new ArrayList<>();
        try (var top = Files.list(rootfs)) {
            for (Path p : top.sorted().toList()) {
                trees.add(ImageRecipe.Tree.root(p, "/" + p.getFileName()));
            }
        }
        String name = reference.substring(reference.lastIndexOf('/') + 1);
        ImageRecipe recipe = new ImageRecipe(name, List.of(new ImageRecipe.Layer("rootfs", trees)), entrypoint, cmd,
                Map.of("PATH", "/bin"), List.of(), List.of(), "/", "0");
        builder.push(recipe, reference, null, null, true);
        return new WorkloadImage(reference, rootfs, entrypoint, cmd);
    }

    /** Entrypoint + Cmd, or the image's Entrypoint + a task definition's Command (Docker's rules). */
    List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(command == null ? cmd : command);
        return argv;
    }

    static void exec(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }
}
