package dev.peregrine.bench.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of a process and all its descendants, from Linux {@code /proc}: how a
 * benchmark charges a database server's work (PostgreSQL runs one process per connection) to
 * the run that caused it.
 */
public final class ProcessTreeCpu {
    /** Linux reports {@code /proc/PID/stat} times in clock ticks; 100 per second on every mainstream build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessTreeCpu() {
    }

    /** CPU seconds of {@code rootPid} and its descendants; 0 when there is no such process (rootPid 0 or less: none asked for). */
    public static double seconds(long rootPid) {
        if (rootPid <= 0) {
            return 0;
        }
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // Fields after the command name, which is in parentheses and may contain spaces.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    parents.put(pid, Long.parseLong(f[1]));
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked: its time is no longer ours to count
                }
            });
        } catch (IOException e) {
            return Double.NaN;
        }
        Set<Long> tree = new HashSet<>();
        tree.add(rootPid);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<Long, Long> e : parents.entrySet()) {
                if (tree.contains(e.getValue()) && tree.add(e.getKey())) {
                    grew = true;
                }
            }
        }
        return tree.stream().mapToLong(pid -> ticks.getOrDefault(pid, 0L)).sum() / TICKS_PER_SECOND;
    }
}
