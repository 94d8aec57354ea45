package dev.peregrine.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Linux capabilities by name, and Docker's rules for a container's set: its default set, plus
 * {@code add}, less {@code drop}; {@code ALL} in add means every capability, in drop "start from
 * none". The order of this table is the kernel's numbering.
 */
public enum Capabilities {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE,
    NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO, SYS_CHROOT,
    SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE, SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE,
    AUDIT_WRITE, AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ,
    PERFMON, BPF, CHECKPOINT_RESTORE;

    /** What Docker (and so ECS) gives a container unless told otherwise. */
    public static final List<Capabilities> DOCKER_DEFAULT = List.of(CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW,
            SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE);

    public long bit() {
        return 1L << ordinal();
    }

    /** {@code SYS_PTRACE}, {@code CAP_SYS_PTRACE} and {@code sys_ptrace} are one capability. */
    public static Capabilities parse(String name, String where) throws TaskException {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) {
            n = n.substring(4);
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new TaskException(where + ": '" + name + "' is not a Linux capability (for example SYS_PTRACE, NET_ADMIN, ALL)");
        }
    }

    /** The set as a bit mask (bit N = capability number N). */
    public static long mask(List<String> add, List<String> drop, String where) throws TaskException {
        long all = (1L << values().length) - 1;
        long set = 0;
        boolean dropAll = drop.stream().anyMatch(d -> d.trim().equalsIgnoreCase("ALL"));
        if (!dropAll) {
            for (Capabilities c : DOCKER_DEFAULT) {
                set |= c.bit();
            }
        }
        for (String a : add) {
            set |= a.trim().equalsIgnoreCase("ALL") ? all : parse(a, where + ".Add").bit();
        }
        if (!dropAll) {
            for (String d : drop) {
                set &= ~parse(d, where + ".Drop").bit();
            }
        }
        return set;
    }

    /** Names of the capabilities in a mask, in kernel order. */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (Capabilities c : values()) {
            if ((mask & c.bit()) != 0) {
                out.add(c.name());
            }
        }
        return out;
    }
}
