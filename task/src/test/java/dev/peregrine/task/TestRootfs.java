package dev.peregrine.task;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** Root filesystems and image layers built from this machine's static busybox. */
final class TestRootfs {
    static final List<String> APPLETS = List.of("sh", "cat", "ls", "id", "ps", "sleep", "echo", "grep", "wget", "test", "touch",
            "stat", "pwd", "env", "true", "false", "readlink", "kill", "tr");
    static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    static final String GROUP = "root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n";

    private TestRootfs() {
    }

    static Path busybox() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("peregrine.root"));
        Process p = new ProcessBuilder("bash", root.resolve("scripts/ensure-packages.sh").toString(), "busybox-static")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ensure-packages.sh busybox-static failed: " + out);
        }
        return Path.of("/bin/busybox");
    }

    /** A directory root filesystem: busybox and its applets in /bin, users, an empty /tmp. */
    static Path directory(Path dir) throws IOException, InterruptedException {
        Path busybox = busybox();
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.copy(busybox, dir.resolve("bin/busybox"));
        dir.resolve("bin/busybox").toFile().setExecutable(true, false);
        for (String applet : APPLETS) {
            Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.writeString(dir.resolve("etc/passwd"), PASSWD);
        Files.writeString(dir.resolve("etc/group"), GROUP);
        return dir;
    }

    /** A gzip tar layer written entry by entry. */
    static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        Layer() throws IOException {
            tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Layer dir(String name, int mode) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(040000 | mode);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        Layer file(String name, int mode, byte[] content, int uid, int gid) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(0100000 | mode);
            e.setSize(content.length);
            e.setUserId(uid);
            e.setGroupId(gid);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        }

        Layer file(String name, String content) throws IOException {
            return file(name, 0644, content.getBytes(StandardCharsets.UTF_8), 0, 0);
        }

        Layer symlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(target);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        Layer hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
            e.setLinkName(target);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        /** busybox as /bin/busybox with its applets, and the users. */
        Layer busybox() throws IOException, InterruptedException {
            dir("bin", 0755).dir("etc", 0755).dir("tmp", 01777);
            file("bin/busybox", 0755, Files.readAllBytes(TestRootfs.busybox()), 0, 0);
            for (String applet : APPLETS) {
                symlink("bin/" + applet, "busybox");
            }
            file("etc/passwd", PASSWD);
            return file("etc/group", GROUP);
        }

        byte[] bytes() throws IOException {
            tar.close();
            return bytes.toByteArray();
        }
    }
}
