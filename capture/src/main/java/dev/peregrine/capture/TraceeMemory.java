package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads and writes a stopped tracee's memory with {@code process_vm_readv/writev}. Reads are
 * split at page boundaries, one remote iovec per page, so a string that ends just before an
 * unmapped page still reads (transfers are partial only at iovec granularity).
 * Tracer thread only; the buffers are reused.
 */
final class TraceeMemory {
    static final int PAGE = 4096;
    static final int MAX_STRING = 4096;
    static final int MAX_ARGV = 256;
    /** Most paths and arguments are shorter: copy this much first rather than the rest of the page. */
    static final int FIRST_READ = 256;

    private final MemorySegment buf;
    private final MemorySegment local;
    private final MemorySegment remote;

    TraceeMemory(Arena arena) {
        this.buf = arena.allocate(3 * PAGE, 16);
        this.local = arena.allocate(16, 8);
        this.remote = arena.allocate(16 * 4, 8);
    }

    /** Reads up to {@code len} (at most 2 pages) bytes at {@code addr}; returns the count read. */
    private int readRaw(int pid, long addr, int len) {
        if (addr == 0 || len <= 0) {
            return 0;
        }
        len = Math.min(len, 2 * PAGE);
        local.set(JAVA_LONG, 0, buf.address());
        local.set(JAVA_LONG, 8, len);
        int n = 0;
        long a = addr;
        int left = len;
        while (left > 0) {
            int chunk = (int) Math.min(left, PAGE - (a & (PAGE - 1)));
            remote.set(JAVA_LONG, n * 16L, a);
            remote.set(JAVA_LONG, n * 16L + 8, chunk);
            n++;
            a += chunk;
            left -= chunk;
        }
        long r = Libc.processVmReadv(pid, local, 1, remote, n);
        return (int) Math.max(r, 0);
    }

    /** {@code len} bytes at {@code addr}, or null when not all of them could be read. */
    byte[] read(int pid, long addr, int len) {
        int n = readRaw(pid, addr, len);
        if (n < len) {
            return null;
        }
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }

    /** A NUL-terminated string at {@code addr}, truncated at {@link #MAX_STRING}; null if unreadable. */
    String readString(int pid, long addr) {
        if (addr == 0) {
            return null;
        }
        StringBuilder sb = null;
        byte[] acc = new byte[0];
        long a = addr;
        while (acc.length < MAX_STRING) {
            int chunk = (int) (PAGE - (a & (PAGE - 1)));
            if (a == addr) {
                chunk = Math.min(chunk, FIRST_READ);
            }
            int n = readRaw(pid, a, chunk);
            if (n <= 0) {
                return acc.length == 0 ? null : new String(acc, StandardCharsets.UTF_8);
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(JAVA_BYTE, i) == 0) {
                    return concat(acc, i);
                }
            }
            acc = concatBytes(acc, n);
            a += n;
        }
        return new String(acc, 0, MAX_STRING, StandardCharsets.UTF_8);
    }

    private String concat(byte[] acc, int n) {
        byte[] all = concatBytes(acc, n);
        return new String(all, StandardCharsets.UTF_8);
    }

    private byte[] concatBytes(byte[] acc, int n) {
        byte[] all = new byte[acc.length + n];
        System.arraycopy(acc, 0, all, 0, acc.length);
        MemorySegment.copy(buf, JAVA_BYTE, 0, all, acc.length, n);
        return all;
    }

    /** A NULL-terminated array of string pointers (argv); null if unreadable. */
    List<String> readStringArray(int pid, long addr) {
        if (addr == 0) {
            return null;
        }
        List<Long> pointers = new ArrayList<>();
        long a = addr;
        outer:
        while (pointers.size() < MAX_ARGV) {
            int n = readRaw(pid, a, 512);
            if (n < 8) {
                return null;
            }
            for (int off = 0; off + 8 <= n; off += 8) {
                long p = buf.get(JAVA_LONG.withByteAlignment(1), off);
                if (p == 0) {
                    break outer;
                }
                pointers.add(p);
                if (pointers.size() >= MAX_ARGV) {
                    break outer;
                }
            }
            a += n - (n % 8);
        }
        List<String> out = new ArrayList<>(pointers.size());
        for (long p : pointers) {
            String s = readString(pid, p);
            out.add(s == null ? "" : s);
        }
        return out;
    }

    /** Writes {@code data} at {@code addr}; true when all of it was written. */
    boolean write(int pid, long addr, byte[] data) {
        MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
        local.set(JAVA_LONG, 0, buf.address());
        local.set(JAVA_LONG, 8, data.length);
        remote.set(JAVA_LONG, 0, addr);
        remote.set(JAVA_LONG, 8, data.length);
        return Libc.processVmWritev(pid, local, 1, remote, 1) == data.length;
    }
}
