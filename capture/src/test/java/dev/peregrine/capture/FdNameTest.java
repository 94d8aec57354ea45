package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FdNameTest {
    @Test
    void openedPathsAreMadeAbsoluteAndNormalisedLikeFalco() {
        assertEquals("/etc/passwd", Tracer.absolute("/tmp", "/etc/passwd"));
        assertEquals("/tmp/a/b.txt", Tracer.absolute("/tmp", "a/./b.txt"));
        assertEquals("/etc/shadow", Tracer.absolute("/home/x", "../../etc//shadow"));
        assertEquals("/", Tracer.absolute("/", ".."));
        assertEquals("/tmp/f1", Tracer.absolute("/tmp", "f1"));
        assertEquals("/f1", Tracer.absolute("/", "f1"));
        assertEquals("/tmp/.hidden/..x/...", Tracer.absolute("/tmp", ".hidden/..x/..."));
        assertEquals("/tmp/a", Tracer.absolute("/tmp", "a/"));
        assertEquals("/tmp", Tracer.absolute("/tmp", "."));
        assertEquals("/a", Tracer.absolute("/tmp/", "../a"));
        assertEquals("/tmp/a", Tracer.absolute("/tmp//", "a"));
    }
}
