package dev.peregrine.task;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Applies image layers (tar, gzip-compressed or not) to a root filesystem directory as a
 * container runtime does: whiteouts {@code .wh.NAME} delete NAME from the layers below, an opaque
 * whiteout {@code .wh..wh..opq} empties its directory of them; directories, files, symlinks and
 * hard links keep their modes (setuid too), owners and times. Every path is resolved inside the
 * root: a symlink in the image (even an absolute one) never leads outside. Device nodes are
 * skipped (the container gets its own /dev).
 */
public final class LayerUnpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_SYMLINKS = 40;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;

    public LayerUnpacker(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Applies one layer file on top of what the root holds. */
    public void apply(Path layer) throws IOException {
        // Whiteouts first: they hide the layers below, never this layer's own entries, wherever they stand in the archive.
        try (TarArchiveInputStream tar = open(layer)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = clean(entry.getName());
                String base = name.substring(name.lastIndexOf('/') + 1);
                String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
                if (base.equals(OPAQUE)) {
                    Path target = resolve(dir, true);
                    if (Files.isDirectory(target, NOFOLLOW)) {
                        try (var children = Files.list(target)) {
                            for (Path child : children.toList()) {
                                delete(child);
                            }
                        }
                    }
                } else if (base.startsWith(WHITEOUT)) {
                    delete(resolve(dir, true).resolve(base.substring(WHITEOUT.length())));
                }
            }
        }
        Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = open(layer)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = clean(entry.getName());
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (name.isEmpty() || base.startsWith(WHITEOUT)) {
                    if (name.isEmpty() && entry.isDirectory()) {
                        directories.put(root, entry);
                    }
                    continue;
                }
                Path target = resolve(name, false);
                Files.createDirectories(target.getParent());
                if (entry.isDirectory()) {
                    if (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW)) {
                        delete(target);
                    }
                    Files.createDirectories(target);
                    directories.put(target, entry); // modes last: a read-only directory still gets its files
                } else if (entry.isSymbolicLink()) {
                    delete(target);
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    owner(target, entry);
                } else if (entry.isLink()) {
                    Path source = resolve(clean(entry.getLinkName()), false);
                    if (!Files.exists(source, NOFOLLOW)) {
                        throw new IOException(layer + ": hard link " + name + " to missing " + entry.getLinkName());
                    }
                    delete(target);
                    Files.createLink(target, source);
                } else if (entry.isFile()) {
                    delete(target);
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    owner(target, entry);
                    Files.setAttribute(target, "unix:mode", entry.getMode() & 07777, NOFOLLOW);
                    Files.setLastModifiedTime(target, FileTime.from(entry.getModTime().toInstant()));
                }
                // Character and block devices and FIFOs: a container's /dev is its own.
            }
        }
        List<Map.Entry<Path, TarArchiveEntry>> reversed = new ArrayList<>(directories.entrySet());
        java.util.Collections.reverse(reversed);
        for (var e : reversed) {
            owner(e.getKey(), e.getValue());
            Files.setAttribute(e.getKey(), "unix:mode", e.getValue().getMode() & 07777, NOFOLLOW);
            Files.setLastModifiedTime(e.getKey(), FileTime.from(e.getValue().getModTime().toInstant()));
        }
    }

    private static TarArchiveInputStream open(Path layer) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(layer), 1 << 16);
        in.mark(4);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        } else if (b1 == 0x28 && b2 == 0xb5) {
            in.close();
            throw new IOException(layer + ": zstd-compressed layers are not supported (push the image with gzip layers)");
        }
        return new TarArchiveInputStream(in);
    }

    private static void owner(Path path, TarArchiveEntry entry) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
    }

    /** An archive name without leading "./" or "/"; ".." never climbs above the root. */
    private static String clean(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(".") ? "" : n;
    }

    /**
     * The path of {@code name} in the root, following symlinks of intermediate components as the
     * container would see them (absolute targets start at the root), and the last one when asked.
     */
    Path resolve(String name, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>(List.of(name.split("/")));
        Path current = root;
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!current.equals(root)) {
                    current = current.getParent();
                }
                continue;
            }
            Path next = current.resolve(part);
            if ((!todo.isEmpty() || followLast) && Files.isSymbolicLink(next)) {
                if (++hops > MAX_SYMLINKS) {
                    throw new IOException("too many symbolic links resolving " + name);
                }
                String target = Files.readSymbolicLink(next).toString();
                List<String> parts = new ArrayList<>(List.of(target.split("/")));
                java.util.Collections.reverse(parts);
                parts.forEach(todo::addFirst);
                if (target.startsWith("/")) {
                    current = root;
                }
                continue;
            }
            current = next;
        }
        return current;
    }

    /** Deletes a file, link or whole directory tree (never following links). */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, NOFOLLOW)) {
            return;
        }
        if (!Files.isDirectory(path, NOFOLLOW)) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
