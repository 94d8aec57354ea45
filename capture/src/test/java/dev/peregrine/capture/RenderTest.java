package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RenderTest {
    private static String open(Arch arch, long linuxFlags) {
        return Render.OPEN_FLAGS.flags(Render.openFlagsToFalco(arch, linuxFlags));
    }

    @Test
    void openFlagsRenderAsFalcoPrintsThem() {
        assertEquals("O_RDONLY|O_CLOEXEC", open(Arch.X86_64, 0x80000));
        assertEquals("O_TRUNC|O_CREAT|O_WRONLY", open(Arch.X86_64, 01 | 0100 | 01000));
        assertEquals("O_CREAT|O_RDWR", open(Arch.X86_64, 02 | 0100));
        assertEquals("O_DIRECTORY|O_NONBLOCK|O_RDONLY|O_CLOEXEC", open(Arch.X86_64, 0x10000 | 0x800 | 0x80000));
        // aarch64 numbers O_DIRECTORY differently.
        assertEquals("O_DIRECTORY|O_RDONLY", open(Arch.AARCH64, 0x4000));
        assertEquals("O_DIRECT|O_RDONLY", open(Arch.X86_64, 0x4000));
        assertEquals("O_RDWR|O_TMPFILE", open(Arch.X86_64, 02 | 0x400000 | 0x10000));
        assertEquals(0x1106L, Render.openFlagsToFalco(Arch.X86_64, 01 | 0100 | 01000 | 0x80000));
    }

    @Test
    void modesEnumsAndSignalsRender() {
        assertEquals("S_IXUSR|S_IWUSR|S_IRUSR", Render.MODE.flags(0700));
        assertEquals("S_IXOTH|S_IXGRP|S_IXUSR|S_ISUID", Render.MODE.flags(04111));
        assertEquals("PTRACE_ATTACH", Render.PTRACE.exact(16));
        assertEquals("BPF_PROG_LOAD", Render.BPF.exact(5));
        assertEquals("AF_PACKET", Render.DOMAIN.exact(17));
        assertEquals("SIGTERM", Render.signal(15));
        assertEquals("SOCK_STREAM|SOCK_CLOEXEC", Render.socketType(1 | 0x80000));
        assertEquals("CLONE_VM|CLONE_VFORK", Render.CLONE.flags(0x4100));
    }

    @Test
    void userNamesComeFromEtcPasswd() throws Exception {
        if (Files.readString(Path.of("/etc/passwd")).contains("root:x:0:")) {
            assertEquals("root", Render.userName(0));
        }
        assertEquals("4000000", Render.userName(4_000_000));
    }

    @Test
    void socketAddressesRenderAsFalcoPrintsThem() {
        ByteBuffer in = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        in.putShort((short) 2).put((byte) 0x1f).put((byte) 0x90).put(new byte[] {127, 0, 0, 1});
        assertEquals("127.0.0.1:8080", Decoder.formatSockaddr(in.array()));
        ByteBuffer in6 = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        in6.putShort((short) 10).put((byte) 0).put((byte) 80).putInt(0);
        in6.put(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        assertEquals("::1:80", Decoder.formatSockaddr(in6.array()));
        byte[] unix = new byte[] {1, 0, '/', 'r', 'u', 'n', 0, 0};
        assertEquals("/run", Decoder.formatSockaddr(unix));
        byte[] abstractUnix = new byte[] {1, 0, 0, 'x', 'y'};
        assertEquals("@xy", Decoder.formatSockaddr(abstractUnix));
    }

    @Test
    void launcherImagesAreElfForTheirMachine() {
        byte[] x86 = LauncherStub.image(Arch.X86_64);
        byte[] arm = LauncherStub.image(Arch.AARCH64);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, java.util.Arrays.copyOf(x86, 6));
        assertEquals(0x3E, x86[18]);
        assertEquals((byte) 0xB7, arm[18]);
        ByteBuffer b = ByteBuffer.wrap(x86).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x400000L + 64 + 2 * 56, b.getLong(24), "entry point is the first code byte");
        assertEquals(x86.length, b.getLong(64 + 32), "PT_LOAD covers the whole file");
    }
}
