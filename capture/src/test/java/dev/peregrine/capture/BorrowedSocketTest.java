package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sockets described by a borrowed copy: protocol names, and a real connection dup'd onto stdout. */
class BorrowedSocketTest {
    @Test
    void names() {
        assertEquals("tcp", BorrowedSocket.name(6));
        assertEquals("udp", BorrowedSocket.name(17));
        assertEquals("udp", BorrowedSocket.name(136));
        assertEquals("icmp", BorrowedSocket.name(1));
        assertEquals("icmp", BorrowedSocket.name(58));
        assertNull(BorrowedSocket.name(132), "SCTP has no fd.l4proto name");
        assertNull(BorrowedSocket.of(Libc.getpid(), -1));
    }

    @Test
    void aConnectionDupedOntoStdoutIsNamedByBothEnds() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var peer = server.accept()) {
                    peer.getInputStream().readAllBytes();
                } catch (java.io.IOException ignored) {
                    // the shell went away
                }
            });
            int port = server.getLocalPort();
            Traced t = Traced.run(Traced.set("dup2,connect"), SyscallHook.ALLOW_ALL, "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + port + "; exec 1>&3; echo hi");
            assertEquals(0, t.status.code());
            // /proc/PID/fd only says socket:[inode]; the borrowed copy knows the connection.
            Event.Syscall dup = t.one(Event.Syscall.class, e -> e.type().equals("dup2") && e.res() != null && e.res() == 1);
            assertEquals("ipv4", dup.fd().type());
            assertEquals("tcp", dup.fd().l4proto());
            assertTrue(dup.fd().name().matches("127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:" + port), dup.fd().name());
            Event.Syscall connect = t.one(Event.Syscall.class, e -> e.type().equals("connect")
                    && e.fd() != null && e.fd().name().endsWith(":" + port));
            assertEquals(dup.fd().name(), connect.fd().name(), "the connect names the same tuple, local port included");
        }
    }

    @Test
    void aRefusedUnixConnectStillNamesThePathItAskedFor() throws Exception {
        String path = "/nonexistent-peregrine-test/socket";
        Traced t = Traced.run(Traced.set("connect"), SyscallHook.ALLOW_ALL, "python3", "-c",
                "import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n s.connect('" + path + "')\nexcept OSError:\n pass");
        assertEquals(0, t.status.code());
        Event.Syscall connect = t.one(Event.Syscall.class, e -> e.type().equals("connect") && e.fd() != null
                && e.fd().name().equals(path));
        assertEquals("unix", connect.fd().type());
        assertTrue(connect.res() < 0);
    }
}
