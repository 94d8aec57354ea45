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
    }
}
