package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Downcalls into the C library. Handles are created lazily, one holder class per function:
 * each distinct downcall shape costs milliseconds to link, and start-up time is part of every
 * workload's start. Calls that fail report errno through {@link #errno()}, read right after
 * the call on the same thread.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private Libc() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(
                () -> new UnsupportedOperationException("C library lacks " + name)), fd, options);
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor fd) {
        return handle(name, fd, CAPTURE_ERRNO);
    }

    /** errno of the last call made through this class on this thread. */
    public static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    private static IllegalStateException failed(String what, Throwable t) {
        return new IllegalStateException(what + " downcall failed", t);
    }

    private static final class Getpid {
        static final MethodHandle H = handle("getpid", FunctionDescriptor.of(JAVA_INT));
    }

    /** The process id of this JVM, straight from the kernel. */
    public static int getpid() {
        try {
            return (int) Getpid.H.invokeExact();
        } catch (Throwable t) {
            throw failed("getpid", t);
        }
    }

    private static final class Ptrace {
        // ptrace is variadic in glibc: request is fixed, the rest are variadic.
        static final MethodHandle H = handle("ptrace",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    /** {@code ptrace(request, pid, addr, data)}; -1 with {@link #errno()} on failure. */
    public static long ptrace(int request, int pid, long addr, long data) {
        try {
            return (long) Ptrace.H.invokeExact(STATE.get(), request, pid, addr, data);
        } catch (Throwable t) {
            throw failed("ptrace", t);
        }
    }

    private static final class Waitpid {
        static final MethodHandle H = withErrno("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code waitpid(pid, status, options)}. */
    public static int waitpid(int pid, MemorySegment status, int options) {
        try {
            return (int) Waitpid.H.invokeExact(STATE.get(), pid, status, options);
        } catch (Throwable t) {
            throw failed("waitpid", t);
        }
    }

    private static final class Kill {
        static final MethodHandle H = withErrno("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** {@code kill(pid, sig)}. */
    public static int kill(int pid, int sig) {
        try {
            return (int) Kill.H.invokeExact(STATE.get(), pid, sig);
        } catch (Throwable t) {
            throw failed("kill", t);
        }
    }

    private static final class VmRead {
        static final FunctionDescriptor FD = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_LONG, JAVA_LONG);
        static final MethodHandle H = withErrno("process_vm_readv", FD);
    }

    private static final class VmWrite {
        static final MethodHandle H = withErrno("process_vm_writev", VmRead.FD);
    }

    /** {@code process_vm_readv}: bytes read, or -1. */
    public static long processVmReadv(int pid, MemorySegment local, long lcnt, MemorySegment remote, long rcnt) {
        try {
            return (long) VmRead.H.invokeExact(STATE.get(), pid, local, lcnt, remote, rcnt, 0L);
        } catch (Throwable t) {
            throw failed("process_vm_readv", t);
        }
    }

    /** {@code process_vm_writev}: bytes written, or -1. */
    public static long processVmWritev(int pid, MemorySegment local, long lcnt, MemorySegment remote, long rcnt) {
        try {
            return (long) VmWrite.H.invokeExact(STATE.get(), pid, local, lcnt, remote, rcnt, 0L);
        } catch (Throwable t) {
            throw failed("process_vm_writev", t);
        }
    }

    private static final class Spawn {
        static final MethodHandle H = handle("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    /** {@code posix_spawn}: 0 or an error number. */
    public static int posixSpawn(MemorySegment pid, MemorySegment path, MemorySegment actions, MemorySegment attr,
                                 MemorySegment argv, MemorySegment envp) {
        try {
            return (int) Spawn.H.invokeExact(pid, path, actions, attr, argv, envp);
        } catch (Throwable t) {
            throw failed("posix_spawn", t);
        }
    }

    private static final FunctionDescriptor PTR_TO_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private static final class ActionsInit {
        static final MethodHandle H = handle("posix_spawn_file_actions_init", PTR_TO_INT);
    }

    private static final class ActionsDestroy {
        static final MethodHandle H = handle("posix_spawn_file_actions_destroy", PTR_TO_INT);
    }

    private static final class AttrInit {
        static final MethodHandle H = handle("posix_spawnattr_init", PTR_TO_INT);
    }

    private static final class AttrDestroy {
        static final MethodHandle H = handle("posix_spawnattr_destroy", PTR_TO_INT);
    }

    private static final class SigEmpty {
        static final MethodHandle H = handle("sigemptyset", PTR_TO_INT);
    }

    private static final class SigFill {
        static final MethodHandle H = handle("sigfillset", PTR_TO_INT);
    }

    private static final class AddDup2 {
        static final MethodHandle H = handle("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class AddCloseFrom {
        static final MethodHandle H = handle("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class AddOpen {
        static final MethodHandle H = handle("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class AddChdir {
        static final MethodHandle H = handle("posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class SetFlags {
        static final MethodHandle H = handle("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    }

    private static final class SetSigmask {
        static final MethodHandle H = handle("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class SetSigdefault {
        static final MethodHandle H = handle("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class SetPgroup {
        static final MethodHandle H = handle("posix_spawnattr_setpgroup",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** The spawn-attribute and file-action helpers; each returns 0 or an error number. */
    public static final class SpawnSetup {
        private SpawnSetup() {
        }

        public static int actionsInit(MemorySegment a) {
            return call(ActionsInit.H, a);
        }

        public static int actionsDestroy(MemorySegment a) {
            return call(ActionsDestroy.H, a);
        }

        public static int attrInit(MemorySegment a) {
            return call(AttrInit.H, a);
        }

        public static int attrDestroy(MemorySegment a) {
            return call(AttrDestroy.H, a);
        }

        public static int sigemptyset(MemorySegment s) {
            return call(SigEmpty.H, s);
        }

        public static int sigfillset(MemorySegment s) {
            return call(SigFill.H, s);
        }

        private static int call(MethodHandle h, MemorySegment a) {
            try {
                return (int) h.invokeExact(a);
            } catch (Throwable t) {
                throw failed("posix_spawn setup", t);
            }
        }

        public static int adddup2(MemorySegment a, int fd, int newfd) {
            try {
                return (int) AddDup2.H.invokeExact(a, fd, newfd);
            } catch (Throwable t) {
                throw failed("posix_spawn_file_actions_adddup2", t);
            }
        }

        public static int addclosefrom(MemorySegment a, int from) {
            try {
                return (int) AddCloseFrom.H.invokeExact(a, from);
            } catch (Throwable t) {
                throw failed("posix_spawn_file_actions_addclosefrom_np", t);
            }
        }

        public static int addopen(MemorySegment a, int fd, MemorySegment path, int flags, int mode) {
            try {
                return (int) AddOpen.H.invokeExact(a, fd, path, flags, mode);
            } catch (Throwable t) {
                throw failed("posix_spawn_file_actions_addopen", t);
            }
        }

        public static int addchdir(MemorySegment a, MemorySegment path) {
            try {
                return (int) AddChdir.H.invokeExact(a, path);
            } catch (Throwable t) {
                throw failed("posix_spawn_file_actions_addchdir_np", t);
            }
        }

        public static int setflags(MemorySegment a, short flags) {
            try {
                return (int) SetFlags.H.invokeExact(a, flags);
            } catch (Throwable t) {
                throw failed("posix_spawnattr_setflags", t);
            }
        }

        public static int setsigmask(MemorySegment a, MemorySegment set) {
            try {
                return (int) SetSigmask.H.invokeExact(a, set);
            } catch (Throwable t) {
                throw failed("posix_spawnattr_setsigmask", t);
            }
        }

        public static int setpgroup(MemorySegment a, int pgroup) {
            try {
                return (int) SetPgroup.H.invokeExact(a, pgroup);
            } catch (Throwable t) {
                throw failed("posix_spawnattr_setpgroup", t);
            }
        }

        public static int setsigdefault(MemorySegment a, MemorySegment set) {
            try {
                return (int) SetSigdefault.H.invokeExact(a, set);
            } catch (Throwable t) {
                throw failed("posix_spawnattr_setsigdefault", t);
            }
        }
    }

    private static final class MemfdCreate {
        static final MethodHandle H = withErrno("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code memfd_create(name, flags)}: a file descriptor or -1. */
    public static int memfdCreate(MemorySegment name, int flags) {
        try {
            return (int) MemfdCreate.H.invokeExact(STATE.get(), name, flags);
        } catch (Throwable t) {
            throw failed("memfd_create", t);
        }
    }

    private static final class Write {
        static final MethodHandle H = withErrno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** {@code write(fd, buf, n)}. */
    public static long write(int fd, MemorySegment buf, long n) {
        try {
            return (long) Write.H.invokeExact(STATE.get(), fd, buf, n);
        } catch (Throwable t) {
            throw failed("write", t);
        }
    }

    private static final class Readlink {
        static final MethodHandle H = handle("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    }

    /** {@code readlink(path, buf, size)}: the length, or -1. */
    public static long readlink(MemorySegment path, MemorySegment buf, long size) {
        try {
            return (long) Readlink.H.invokeExact(path, buf, size);
        } catch (Throwable t) {
            throw failed("readlink", t);
        }
    }

    private static final class Close {
        static final MethodHandle H = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /** {@code close(fd)}. */
    public static int close(int fd) {
        try {
            return (int) Close.H.invokeExact(fd);
        } catch (Throwable t) {
            throw failed("close", t);
        }
    }

    private static final class Read {
        static final MethodHandle H = withErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** {@code read(fd, buf, n)}: bytes read, 0 at end of file, or -1. */
    public static long read(int fd, MemorySegment buf, long n) {
        try {
            return (long) Read.H.invokeExact(STATE.get(), fd, buf, n);
        } catch (Throwable t) {
            throw failed("read", t);
        }
    }

    private static final class Getpgrp {
        static final MethodHandle H = handle("getpgrp", FunctionDescriptor.of(JAVA_INT));
    }

    /** This process's process group. */
    public static int getpgrp() {
        try {
            return (int) Getpgrp.H.invokeExact();
        } catch (Throwable t) {
            throw failed("getpgrp", t);
        }
    }

    private static final class Tcgetpgrp {
        static final MethodHandle H = withErrno("tcgetpgrp", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /** The foreground process group of the terminal {@code fd}, or -1. */
    public static int tcgetpgrp(int fd) {
        try {
            return (int) Tcgetpgrp.H.invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw failed("tcgetpgrp", t);
        }
    }

    private static final class Tcsetpgrp {
        static final MethodHandle H = withErrno("tcsetpgrp", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** {@code tcsetpgrp(fd, pgrp)}: 0 or -1. */
    public static int tcsetpgrp(int fd, int pgrp) {
        try {
            return (int) Tcsetpgrp.H.invokeExact(STATE.get(), fd, pgrp);
        } catch (Throwable t) {
            throw failed("tcsetpgrp", t);
        }
    }

    private static final class PthreadSigmask {
        static final MethodHandle H = handle("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code pthread_sigmask(how, set, old)} for the calling thread: 0 or an error number. */
    public static int pthreadSigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            return (int) PthreadSigmask.H.invokeExact(how, set, old);
        } catch (Throwable t) {
            throw failed("pthread_sigmask", t);
        }
    }

    private static final class Sigaddset {
        static final MethodHandle H = handle("sigaddset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code sigaddset(set, sig)}. */
    public static int sigaddset(MemorySegment set, int sig) {
        try {
            return (int) Sigaddset.H.invokeExact(set, sig);
        } catch (Throwable t) {
            throw failed("sigaddset", t);
        }
    }

    private static final class Sigaction {
        static final MethodHandle H = withErrno("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code sigaction(sig, act, old)} with glibc's {@code struct sigaction}: 0 or -1. */
    public static int sigaction(int sig, MemorySegment act, MemorySegment old) {
        try {
            return (int) Sigaction.H.invokeExact(STATE.get(), sig, act, old);
        } catch (Throwable t) {
            throw failed("sigaction", t);
        }
    }

    private static final class Pipe2 {
        static final MethodHandle H = withErrno("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** {@code pipe2(fds, flags)}: 0 or -1. */
    public static int pipe2(MemorySegment fds, int flags) {
        try {
            return (int) Pipe2.H.invokeExact(STATE.get(), fds, flags);
        } catch (Throwable t) {
            throw failed("pipe2", t);
        }
    }

    private static final class Fcntl {
        static final MethodHandle H = handle("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    /** {@code fcntl(fd, cmd, arg)} with an int argument. */
    public static int fcntl(int fd, int cmd, int arg) {
        try {
            return (int) Fcntl.H.invokeExact(STATE.get(), fd, cmd, arg);
        } catch (Throwable t) {
            throw failed("fcntl", t);
        }
    }

    private static final class Mmap {
        static final MethodHandle H = withErrno("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    /** {@code mmap(addr, length, prot, flags, fd, offset)}: the address, or {@code MAP_FAILED} (-1). */
    public static MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) Mmap.H.invokeExact(STATE.get(), addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw failed("mmap", t);
        }
    }

    private static final class Syscall3 {
        // long syscall(long number, ...): the one shape for calls glibc may not wrap
        static final MethodHandle H = handle("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    /** {@code syscall(nr, a, b, c)}: the result, or -1 with {@link #errno()}. */
    public static long syscall(long nr, long a, long b, long c) {
        try {
            return (long) Syscall3.H.invokeExact(STATE.get(), nr, a, b, c);
        } catch (Throwable t) {
            throw failed("syscall", t);
        }
    }

    private static final class Getsockopt {
        static final MethodHandle H = withErrno("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS));
    }

    /** {@code getsockopt(fd, level, name, value, length)}: 0 or -1. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) Getsockopt.H.invokeExact(STATE.get(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw failed("getsockopt", t);
        }
    }

    private static final class Getsockname {
        static final MethodHandle H = withErrno("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class Getpeername {
        static final MethodHandle H = withErrno("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@code getsockname(fd, addr, length)}: 0 or -1; {@code length} is in-out. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment length) {
        try {
            return (int) Getsockname.H.invokeExact(STATE.get(), fd, addr, length);
        } catch (Throwable t) {
            throw failed("getsockname", t);
        }
    }

    /** {@code getpeername(fd, addr, length)}: 0 or -1 (ENOTCONN when not connected). */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment length) {
        try {
            return (int) Getpeername.H.invokeExact(STATE.get(), fd, addr, length);
        } catch (Throwable t) {
            throw failed("getpeername", t);
        }
    }

    private static final class SetAffinity {
        static final MethodHandle H = withErrno("sched_setaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    /** {@code sched_setaffinity(tid, size, mask)}: 0, or -1 with {@link #errno()}. tid 0 is the calling thread. */
    public static int schedSetaffinity(int tid, long size, MemorySegment mask) {
        try {
            return (int) SetAffinity.H.invokeExact(STATE.get(), tid, size, mask);
        } catch (Throwable t) {
            throw failed("sched_setaffinity", t);
        }
    }

    private static final class GetAffinity {
        static final MethodHandle H = withErrno("sched_getaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    /** {@code sched_getaffinity(tid, size, mask)}: 0, or -1 with {@link #errno()}. tid 0 is the calling thread. */
    public static int schedGetaffinity(int tid, long size, MemorySegment mask) {
        try {
            return (int) GetAffinity.H.invokeExact(STATE.get(), tid, size, mask);
        } catch (Throwable t) {
            throw failed("sched_getaffinity", t);
        }
    }

    private static final class GetCpu {
        static final MethodHandle H = handle("sched_getcpu", FunctionDescriptor.of(JAVA_INT));
    }

    /** The CPU the calling thread runs on, or -1. */
    public static int schedGetcpu() {
        try {
            return (int) GetCpu.H.invokeExact();
        } catch (Throwable t) {
            throw failed("sched_getcpu", t);
        }
    }

    private static final class Gettid {
        static final MethodHandle H = handle("gettid", FunctionDescriptor.of(JAVA_INT));
    }

    /** The calling thread's kernel thread id. */
    public static int gettid() {
        try {
            return (int) Gettid.H.invokeExact();
        } catch (Throwable t) {
            throw failed("gettid", t);
        }
    }

    private static final class Tgkill {
        static final MethodHandle H = withErrno("tgkill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** {@code tgkill(tgid, tid, sig)}: a signal to one thread. */
    public static int tgkill(int tgid, int tid, int sig) {
        try {
            return (int) Tgkill.H.invokeExact(STATE.get(), tgid, tid, sig);
        } catch (Throwable t) {
            throw failed("tgkill", t);
        }
    }

    private static final class OpenNoErrno {
        // open is variadic in glibc (the mode); it is passed as 0.
        static final MethodHandle H = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    /** {@code open(path, flags)} without a mode: a descriptor, or -1. */
    public static int open(MemorySegment path, int flags) {
        try {
            return (int) OpenNoErrno.H.invokeExact(path, flags, 0);
        } catch (Throwable t) {
            throw failed("open", t);
        }
    }

    private static final class Statx {
        static final MethodHandle H = handle("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** {@code statx(dirfd, path, flags, mask, buf)}: 0, or -1. */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        try {
            return (int) Statx.H.invokeExact(dirfd, path, flags, mask, buf);
        } catch (Throwable t) {
            throw failed("statx", t);
        }
    }
}
