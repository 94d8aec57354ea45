package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Catches signals the JVM keeps for itself, SIGQUIT above all (its thread dump, which
 * {@code sun.misc.Signal} refuses to hand over). The handler installed with {@code sigaction}
 * is a few instructions generated here, like the {@link LauncherStub}: it writes the signal's
 * number to a pipe with the raw {@code write} system call (async-signal-safe, no C library, no
 * JVM, errno untouched) and returns. A daemon thread reads the pipe and calls the Java handler.
 * The code is written to a memfd and mapped read+execute, never writable and executable at once.
 *
 * <p>Installing over SIGQUIT ends the JVM's thread dumps and its on-demand attach (jcmd,
 * jstack send SIGQUIT to start the attach listener); {@link #attachRequested} tells such a
 * request apart so it is not taken for a signal meant for the workload.
 */
public final class SignalCatcher {
    private static final System.Logger LOG = System.getLogger(SignalCatcher.class.getName());
    private static final int O_CLOEXEC = 02000000, O_NONBLOCK = 04000, F_SETFL = 4;
    private static final int PROT_READ = 1, PROT_EXEC = 4, MAP_PRIVATE = 2, MFD_CLOEXEC = 1;
    private static final int SA_RESTART = 0x10000000;
    private static final Map<Integer, IntConsumer> HANDLERS = new ConcurrentHashMap<>();
    private static MemorySegment code;

    private SignalCatcher() {
    }

    /**
     * Routes {@code signal} to {@code handler} (on the thread {@code peregrine-signals}) from now
     * on, replacing whatever the process did with it. Throws when the handler cannot be
     * installed (then the signal keeps its previous disposition).
     */
    public static synchronized void handle(int signal, IntConsumer handler) throws CaptureException {
        if (signal <= 0 || signal > 64) {
            throw new IllegalArgumentException("no such signal: " + signal);
        }
        if (code == null) {
            start();
        }
        HANDLERS.put(signal, handler);
        try (Arena arena = Arena.ofConfined()) {
            // glibc's struct sigaction: handler, sa_mask (128 bytes), sa_flags, sa_restorer
            MemorySegment act = arena.allocate(152, 8);
            act.set(JAVA_LONG, 0, code.address());
            act.set(JAVA_INT, 136, SA_RESTART);
            if (Libc.sigaction(signal, act, MemorySegment.NULL) != 0) {
                HANDLERS.remove(signal);
                throw new CaptureException("sigaction(" + signal + ") failed: errno " + Libc.errno());
            }
        }
    }

    private static void start() throws CaptureException {
        Arena global = Arena.global();
        MemorySegment fds = global.allocate(JAVA_INT, 2);
        if (Libc.pipe2(fds, O_CLOEXEC) != 0) {
            throw new CaptureException("pipe2 failed: errno " + Libc.errno());
        }
        int readFd = fds.getAtIndex(JAVA_INT, 0);
        int wfd = fds.getAtIndex(JAVA_INT, 1);
        // A signal storm must never block the handler: extra bytes are dropped when the pipe is full.
        Libc.fcntl(wfd, F_SETFL, O_NONBLOCK);
        byte[] image = handlerCode(Arch.current(), wfd);
        int memfd = Libc.memfdCreate(global.allocateFrom("peregrine-signals"), MFD_CLOEXEC);
        if (memfd < 0) {
            throw new CaptureException("memfd_create failed: errno " + Libc.errno());
        }
        try {
            MemorySegment bytes = global.allocate(image.length);
            MemorySegment.copy(image, 0, bytes, JAVA_BYTE, 0, image.length);
            if (Libc.write(memfd, bytes, image.length) != image.length) {
                throw new CaptureException("cannot write the signal handler: errno " + Libc.errno());
            }
            MemorySegment mapped = Libc.mmap(MemorySegment.NULL, image.length, PROT_READ | PROT_EXEC, MAP_PRIVATE, memfd, 0);
            if (mapped.address() == -1L) {
                throw new CaptureException("cannot map the signal handler executable: errno " + Libc.errno());
            }
            code = mapped;
        } finally {
            Libc.close(memfd);
        }
        Thread.ofPlatform().name("peregrine-signals").daemon(true).start(() -> read(readFd));
    }

    private static void read(int fd) {
        MemorySegment buf = Arena.global().allocate(64);
        while (true) {
            long n = Libc.read(fd, buf, buf.byteSize());
            if (n <= 0) {
                if (n < 0 && Libc.errno() == 4) { // EINTR
                    continue;
                }
                LOG.log(System.Logger.Level.ERROR, "signal pipe closed (errno {0}); caught signals are no longer handled",
                        Integer.toString(Libc.errno()));
                return;
            }
            for (int i = 0; i < n; i++) {
                int signal = buf.get(JAVA_BYTE, i) & 0xff;
                IntConsumer h = HANDLERS.get(signal);
                if (h != null) {
                    try {
                        h.accept(signal);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "handler of signal " + signal + " failed", e);
                    }
                }
            }
        }
    }

    /**
     * Whether a SIGQUIT this JVM got is an attach request (a {@code .attach_pid<pid>} file in
     * its working directory or the temp directory, which is how jcmd and jstack ask).
     */
    public static boolean attachRequested() {
        String name = ".attach_pid" + ProcessHandle.current().pid();
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/cwd", name))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("java.io.tmpdir", "/tmp"), name))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/tmp", name));
    }

    /** {@code void handler(int sig) { write(fd, &(char) sig, 1); }} as raw machine code. */
    static byte[] handlerCode(Arch arch, int fd) {
        if (arch == Arch.X86_64) {
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[]{0x48, (byte) 0x83, (byte) 0xec, 0x08});        // sub rsp, 8
            b.put(new byte[]{(byte) 0x89, 0x3c, 0x24});                    // mov [rsp], edi      the signal
            b.put((byte) 0xb8).putInt(1);                                  // mov eax, 1          write
            b.put((byte) 0xbf).putInt(fd);                                 // mov edi, fd
            b.put(new byte[]{0x48, (byte) 0x89, (byte) 0xe6});             // mov rsi, rsp
            b.put((byte) 0xba).putInt(1);                                  // mov edx, 1
            b.put(new byte[]{0x0f, 0x05});                                 // syscall
            b.put(new byte[]{0x48, (byte) 0x83, (byte) 0xc4, 0x08});       // add rsp, 8
            b.put((byte) 0xc3);                                            // ret
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }
        if (fd > 0xffff) {
            throw new IllegalArgumentException("descriptor too large for the handler: " + fd);
        }
        int[] insns = {
                0xd10043ff,                    // sub sp, sp, #16
                0x390003e0,                    // strb w0, [sp]       the signal
                0xd2800000 | (fd << 5),        // mov x0, #fd
                0x910003e1,                    // mov x1, sp
                0xd2800022,                    // mov x2, #1
                0xd2800808,                    // mov x8, #64         write
                0xd4000001,                    // svc #0
                0x910043ff,                    // add sp, sp, #16
                0xd65f03c0,                    // ret
        };
        ByteBuffer b = ByteBuffer.allocate(insns.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : insns) {
            b.putInt(i);
        }
        return b.array();
    }
}
