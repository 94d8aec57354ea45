package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** IP protocol numbers as {@code fd.l4proto} names them (real sockets: the agent's FieldsTest). */
class SocketProtocolTest {
    @Test
    void names() {
        assertEquals("tcp", SocketProtocol.name(6));
        assertEquals("udp", SocketProtocol.name(17));
        assertEquals("udp", SocketProtocol.name(136));
        assertEquals("icmp", SocketProtocol.name(1));
        assertEquals("icmp", SocketProtocol.name(58));
        assertNull(SocketProtocol.name(132), "SCTP has no fd.l4proto name");
        assertNull(SocketProtocol.of(Libc.getpid(), -1));
    }
}
