package dev.peregrine.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PID-1 duties: signal forwarding, exit status, orphans. */
class SupervisorTest {
    @TempDir
    Path dir;

    private CompletableFuture<Integer> start(Agent agent, String script) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(List.of("sh", "-c", script));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Agent agent() throws Exception {
        AgentConfig config = AgentConfig.resolve(new AgentConfig.Flags(List.of(Run.upstreamRules()), "stdout", List.of(),
                null, null, null, null, null), System.getenv());
        return new Agent(config, System.getenv(), new PrintStream(new ByteArrayOutputStream()), System.err);
    }

    private void await(Path file) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < end, "workload never got ready");
            Thread.sleep(20);
        }
    }

    @Test
    void forwardedSignalsReachTheWorkloadWhichDecidesHowToEnd() throws Exception {
        for (int[] sig : new int[][]{{15, 42}, {2, 43}, {1, 44}, {10, 45}, {12, 46}, {3, 47}}) {
            Agent agent = agent();
            Path ready = dir.resolve("ready-" + sig[0]);
            String name = switch (sig[0]) {
                case 15 -> "TERM";
                case 2 -> "INT";
                case 1 -> "HUP";
                case 10 -> "USR1";
                case 3 -> "QUIT";
                default -> "USR2";
            };
            CompletableFuture<Integer> status = start(agent, "trap 'exit " + sig[1] + "' " + name + "; touch " + ready
                    + "; while :; do sleep 0.05; done");
            await(ready);
            assertTrue(agent.forward(sig[0]));
            assertEquals(sig[1], status.get(20, TimeUnit.SECONDS), "SIG" + name);
        }
    }

    @Test
    void aWorkloadKilledByTheForwardedSignalGives128PlusSignal() throws Exception {
        Agent agent = agent();
        Path ready = dir.resolve("ready");
        CompletableFuture<Integer> status = start(agent, "touch " + ready + "; exec sleep 30");
        await(ready);
        Thread.sleep(200);
        assertTrue(agent.forward(15));
        assertEquals(128 + 15, status.get(20, TimeUnit.SECONDS));
    }

    @Test
    void orphansAreReapedAndTheMainStatusWins() throws Exception {
        Agent agent = agent();
        int status = agent.run(List.of("sh", "-c", "(sleep 0.2 &); (sleep 0.3; exit 3) & sleep 1; exit 5"));
        assertEquals(5, status);
        assertEquals(List.of(), zombieChildren());
    }

    @Test
    void whenTheMainProcessEndsTheRestOfTheTreeIsStopped() throws Exception {
        Agent agent = agent();
        long start = System.nanoTime();
        int status = agent.run(List.of("sh", "-c", "sleep 60 & exit 7"));
        assertEquals(7, status);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
        assertEquals(List.of(), zombieChildren());
    }

    /** pgid and sid of {@code pid} from {@code /proc/PID/stat}. */
    private static int[] groupAndSession(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new int[]{Integer.parseInt(rest[2]), Integer.parseInt(rest[3])};
    }

    private static boolean hasControllingTerminal() {
        try (var tty = new java.io.RandomAccessFile("/dev/tty", "r")) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void theWorkloadLeadsItsOwnProcessGroupAndSessionAndAGroupSignalStaysInIt() throws Exception {
        Agent agent = agent();
        Path ready = dir.resolve("ready");
        Path ids = dir.resolve("ids");
        CompletableFuture<Integer> status = start(agent, "sleep 30 & echo $$ $! > " + ids + "; touch " + ready + "; wait");
        await(ready);
        String[] pids = Files.readString(ids).strip().split(" ");
        long main = Long.parseLong(pids[0]);
        long child = Long.parseLong(pids[1]);
        int[] agentIds = groupAndSession(ProcessHandle.current().pid());
        int[] mainIds = groupAndSession(main);
        assertEquals(main, mainIds[0], "the workload's main process leads its process group");
        assertEquals(main, groupAndSession(child)[0], "its children are in its group");
        assertTrue(mainIds[0] != agentIds[0], "not the agent's group");
        if (hasControllingTerminal()) {
            assertEquals(agentIds[1], mainIds[1], "under a terminal: a job in the agent's session");
        } else {
            assertEquals(main, mainIds[1], "without a terminal: the leader of its own session");
        }
        // kill -- -PGID: the whole workload, and nothing of the agent
        assertEquals(0, dev.peregrine.capture.Libc.kill((int) -main, 15));
        assertEquals(128 + 15, status.get(20, TimeUnit.SECONDS));
        assertTrue(ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "the group's other member got it too");
    }

    private static List<String> zombieChildren() throws Exception {
        long self = ProcessHandle.current().pid();
        List<String> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (rest[0].equals("Z") && Long.parseLong(rest[1]) == self) {
                        out.add(stat);
                    }
                } catch (java.io.IOException ignored) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }
}
