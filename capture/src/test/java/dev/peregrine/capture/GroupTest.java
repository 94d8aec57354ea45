package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Where the workload stands among process groups and sessions, per {@link LaunchSpec.Group}. */
class GroupTest {
    @TempDir
    Path dir;

    /** pid, pgid and sid of the workload's main process, as it sees them. */
    private long[] ids(LaunchSpec.Group group) throws Exception {
        Path out = dir.resolve(group + ".txt");
        LaunchSpec spec = LaunchSpec.of(List.of("sh", "-c", "read -r a b c d pgid sid rest < /proc/$$/stat; echo $$ $pgid $sid"),
                TrapSet.withStateKeeping(SyscallTable.parseList("openat"))).withStdio(Path.of("/dev/null"), out, out)
                .withGroup(group);
        TracedWorkload w = Capture.start(spec, e -> { }, SyscallHook.ALLOW_ALL);
        assertEquals(0, w.waitFor(Duration.ofSeconds(30)).orElseThrow().shellStatus(), Files.readString(out));
        String[] f = Files.readString(out).strip().split(" ");
        return new long[]{Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private static long[] own() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{ProcessHandle.current().pid(), Long.parseLong(rest[2]), Long.parseLong(rest[3])};
    }

    @Test
    void inheritSharesTheTracersGroupAndSession() throws Exception {
        long[] w = ids(LaunchSpec.Group.INHERIT);
        long[] me = own();
        assertEquals(me[1], w[1]);
        assertEquals(me[2], w[2]);
    }

    @Test
    void ownGroupLeadsAGroupInTheTracersSession() throws Exception {
        long[] w = ids(LaunchSpec.Group.OWN_GROUP);
        long[] me = own();
        assertEquals(w[0], w[1], "leader of its process group");
        assertNotEquals(me[1], w[1]);
        assertEquals(me[2], w[2], "same session");
    }

    @Test
    void ownSessionLeadsASessionAndAGroup() throws Exception {
        long[] w = ids(LaunchSpec.Group.OWN_SESSION);
        assertEquals(w[0], w[1], "leader of its process group");
        assertEquals(w[0], w[2], "leader of its session");
    }
}
