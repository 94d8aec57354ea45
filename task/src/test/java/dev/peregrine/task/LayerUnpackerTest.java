package dev.peregrine.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerUnpackerTest {
    @TempDir
    Path temp;

    private Path layer(String name, TestRootfs.Layer layer) throws Exception {
        Path file = temp.resolve(name);
        Files.write(file, layer.bytes());
        return file;
    }

    @Test
    void whiteoutsRemoveLowerFilesAndOpaqueDirectoriesHideTheirOldContent() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        LayerUnpacker unpacker = new LayerUnpacker(root);
        unpacker.apply(layer("1", new TestRootfs.Layer().dir("a", 0755).file("a/keep", "keep").file("a/gone", "gone")
                .dir("b", 0755).file("b/old", "old").dir("b/sub", 0755).file("b/sub/deep", "deep").dir("c", 0755).file("c/x", "x")));
        // The opaque marker stands after this layer's own entry: it still hides only the lower layer's.
        unpacker.apply(layer("2", new TestRootfs.Layer().file("a/.wh.gone", "").file("b/new", "new").file("b/.wh..wh..opq", "")
                .file(".wh.c", "")));
        assertTrue(Files.exists(root.resolve("a/keep")));
        assertFalse(Files.exists(root.resolve("a/gone")));
        assertFalse(Files.exists(root.resolve("a/.wh.gone")));
        assertEquals("new", Files.readString(root.resolve("b/new")));
        assertFalse(Files.exists(root.resolve("b/old")));
        assertFalse(Files.exists(root.resolve("b/sub")));
        assertFalse(Files.exists(root.resolve("b/.wh..wh..opq")));
        assertFalse(Files.exists(root.resolve("c")));
    }

    @Test
    void linksModesAndOwnersAreKept() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        new LayerUnpacker(root).apply(layer("1", new TestRootfs.Layer().dir("bin", 0755)
                .file("bin/tool", 04755, "#!tool".getBytes(StandardCharsets.UTF_8), 1000, 2000)
                .hardlink("bin/tool-again", "bin/tool").symlink("bin/alias", "tool").dir("locked", 0500).file("locked/f", "inside")));
        assertEquals(04755, (int) Files.getAttribute(root.resolve("bin/tool"), "unix:mode") & 07777);
        assertEquals(1000, Files.getAttribute(root.resolve("bin/tool"), "unix:uid"));
        assertEquals(2000, Files.getAttribute(root.resolve("bin/tool"), "unix:gid"));
        assertEquals(Files.getAttribute(root.resolve("bin/tool"), "unix:ino"), Files.getAttribute(root.resolve("bin/tool-again"), "unix:ino"));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(root.resolve("bin/alias")));
        assertEquals(0500, (int) Files.getAttribute(root.resolve("locked"), "unix:mode") & 07777);
        assertEquals("inside", Files.readString(root.resolve("locked/f")));
    }

    @Test
    void symlinksInTheImageNeverLeadOutOfTheRoot() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        LayerUnpacker unpacker = new LayerUnpacker(root);
        unpacker.apply(layer("1", new TestRootfs.Layer().symlink("escape", outside.toString()).symlink("up", "../../..")));
        unpacker.apply(layer("2", new TestRootfs.Layer().file("escape/planted", "x").file("up/tmp-planted", "y")));
        assertFalse(Files.exists(outside.resolve("planted")));
        assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("planted")), "an absolute link resolves inside the root");
        assertTrue(Files.exists(root.resolve("tmp-planted"), LinkOption.NOFOLLOW_LINKS), "'..' stops at the root");
    }
}
