package dev.peregrine.capture;

import java.util.List;

/**
 * A trapped call at its entry, as a {@link SyscallHook} sees it.
 *
 * @param tid     the calling thread
 * @param process the calling process
 * @param syscall the table row, null for a foreign-ABI call
 * @param abi     "native", or the foreign ABI's name ("i386", "x32", "arm")
 * @param nr      the number the call was made with
 * @param args    the six raw register arguments
 * @param params  decoded parameters (empty for foreign-ABI calls)
 * @param fd      the descriptor an open or a dup creates, named as its exit event will name it
 *                (number -1: not known before the call runs); null for every other call
 */
public record SyscallEntry(int tid, ProcessInfo process, Syscall syscall, String abi, long nr, long[] args,
                           List<Param> params, FdInfo fd) {
    /** The call's name, or {@code ABI:NR} for a foreign-ABI call. */
    public String name() {
        return syscall != null ? syscall.name() : abi + ":" + nr;
    }
}
