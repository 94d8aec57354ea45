package dev.peregrine.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code peregrine run} as a process: the acceptance command, real signals to the agent, bad configuration. */
class RunCommandIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private static Path rules() {
        return Path.of(System.getProperty("peregrine.rules.dir", "../../shared/falco-rules")).normalize().resolve("falco_rules.yaml");
    }

    private Process start(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "run"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private String out() throws Exception {
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    }

    private String err() throws Exception {
        return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    }

    @Test
    void readingShadowPrintsTheFalcoAlertAndExitsWithCatsStatus() throws Exception {
        Process p = start(Map.of(), "--rules", rules().toString(), "--", "sh", "-c", "cat /etc/shadow > /dev/null; cat /nonexistent");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err());
        String all = out();
        String line = all.lines().filter(l -> l.contains("\"rule\":\"Read sensitive file untrusted\"")).findFirst()
                .orElseThrow(() -> new AssertionError(all));
        assertTrue(line.contains("\"fd.name\":\"/etc/shadow\""), line);
    }

    @Test
    void sigtermToTheAgentReachesTheWorkload() throws Exception {
        Path ready = dir.resolve("ready");
        Process p = start(Map.of(), "--rules", rules().toString(), "--", "sh", "-c",
                "trap 'exit 42' TERM; touch " + ready + "; while :; do sleep 0.05; done");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(ready)) {
            assertTrue(System.nanoTime() < end, "workload never started: " + err());
            Thread.sleep(20);
        }
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(42, p.exitValue(), err());
    }

    private void awaitFile(Path file) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < end, "workload never started: " + err());
            Thread.sleep(20);
        }
    }

    @Test
    void sigquitToTheAgentReachesTheWorkloadInsteadOfAThreadDump() throws Exception {
        Path ready = dir.resolve("ready");
        Process p = start(Map.of("PEREGRINE_LOG_LEVEL", "info"), "--rules", rules().toString(), "--", "sh", "-c",
                "trap 'exit 43' QUIT; touch " + ready + "; while :; do sleep 0.05; done");
        awaitFile(ready);
        assertEquals(0, new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(43, p.exitValue(), err());
        assertTrue(!out().contains("Full thread dump"), "no JVM thread dump: " + out());
        assertTrue(err().contains("SIGQUIT received: forwarded to the workload"), err());
    }

    @Test
    void ctrlCInATerminalReachesTheWorkloadOnce() throws Exception {
        // script(1) runs the agent on a new pseudo-terminal as its foreground job; ETX typed on it is Ctrl-C.
        Path ready = dir.resolve("ready");
        Path count = dir.resolve("count");
        Path stop = dir.resolve("stop");
        Path stat = dir.resolve("stat");
        // inside the double quotes of script's shell command: \$ keeps $$ for the workload's shell
        String workload = "trap 'echo int >> " + count + "' INT; cat /proc/\\$\\$/stat > " + stat + "; touch " + ready
                + "; while [ ! -f " + stop + " ]; do sleep 0.05; done; exit 44";
        // exec: script(1) runs this through $SHELL or /bin/sh; the agent itself must be the terminal's job leader
        String agent = String.join(" ", "exec", "env", "PEREGRINE_LOG_LEVEL=info", JAVA, "-jar",
                JAR.toString(), "run", "--rules", rules().toString(), "--", "sh", "-c", "\"" + workload + "\"");
        Process p = onTerminal(agent);
        try {
            awaitFile(ready);
            ProcStat s = ProcStat.read(stat);
            assertEquals(s.pid(), s.pgrp(), "the workload leads its process group: " + s);
            assertEquals(s.pid(), s.tpgid(), "its group is the terminal's foreground job: " + s);
            typeCtrlC(p, count);
            Files.writeString(stop, "");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), out() + err());
            assertEquals(List.of("int"), Files.readAllLines(count), "one SIGINT, not one from the terminal and one forwarded");
            assertEquals(44, p.exitValue(), out() + err());
            assertTrue(!out().contains("SIGINT received"), "the agent is not in the foreground job: " + out());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void ctrlCToAnAgentInsideALargerJobIsForwardedOnce() throws Exception {
        // sh runs the agent as a child in its own process group: the agent is not a job of its own,
        // the terminal stays with the job, and the agent forwards the job's Ctrl-C to the workload.
        Path ready = dir.resolve("ready");
        Path count = dir.resolve("count");
        Path stop = dir.resolve("stop");
        Path stat = dir.resolve("stat");
        Path workload = Files.writeString(dir.resolve("workload.sh"), "trap 'echo int >> " + count + "' INT\n"
                + "cat /proc/$$/stat > " + stat + "\ntouch " + ready + "\nwhile [ ! -f " + stop
                + " ]; do sleep 0.05; done\nexit 44\n");
        Path job = Files.writeString(dir.resolve("job.sh"), "env PEREGRINE_LOG_LEVEL=info "
                + JAVA + " -jar " + JAR + " run --rules " + rules()
                + " -- sh " + workload + "\ntrue\n");
        Process p = onTerminal("sh " + job);
        try {
            awaitFile(ready);
            ProcStat s = ProcStat.read(stat);
            assertEquals(s.pid(), s.pgrp(), "the workload leads its process group: " + s);
            assertTrue(!s.pid().equals(s.tpgid()), "the terminal stays with the job that runs the agent: " + s);
            typeCtrlC(p, count);
            Files.writeString(stop, "");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), out());
            assertEquals(List.of("int"), Files.readAllLines(count), "one SIGINT, forwarded by the agent");
            assertTrue(out().contains("SIGINT received: forwarded to the workload"), out());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Types Ctrl-C (ETX) on the pseudo-terminal, waits for the workload's trap to count it, and a second for a duplicate. */
    private void typeCtrlC(Process terminal, Path count) throws Exception {
        Thread.sleep(300);
        terminal.getOutputStream().write(3);
        terminal.getOutputStream().flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(count)) {
            assertTrue(System.nanoTime() < end, "Ctrl-C never reached the workload: " + out() + err());
            Thread.sleep(20);
        }
        Thread.sleep(1000);
    }

    /** {@code command} run by script(1) on a new pseudo-terminal, as its foreground job; writing to it is typing. */
    private Process onTerminal(String command) throws Exception {
        return new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null")
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    }

    /** The fields of a {@code /proc/PID/stat} line these tests look at (those after the command name are space-separated). */
    private record ProcStat(String pid, char state, String pgrp, String tpgid, String line) {
        static ProcStat read(Path file) throws Exception {
            String line = Files.readString(file);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return new ProcStat(line.substring(0, line.indexOf(' ')), f[0].charAt(0), f[2], f[5], line);
        }

        @Override
        public String toString() {
            return line;
        }
    }

    private static char state(long pid) throws Exception {
        return ProcStat.read(Path.of("/proc", Long.toString(pid), "stat")).state();
    }

    private void awaitContent(Path file, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file) || !Files.readString(file).contains(text)) {
            assertTrue(System.nanoTime() < end, "no '" + text + "' in " + file + ": " + out());
            Thread.sleep(20);
        }
    }

    @Test
    void ctrlZStopsTheJobAndFgContinuesIt() throws Exception {
        // A job-control shell (bash with set -m) on a pseudo-terminal runs the agent as its job.
        Path ready = dir.resolve("ready");
        Path pid = dir.resolve("pid");
        Path stop = dir.resolve("stop");
        Path status = dir.resolve("status");
        Path workload = Files.writeString(dir.resolve("workload.sh"), "echo $$ > " + pid + "\ntouch " + ready
                + "\nwhile [ ! -f " + stop + " ]; do sleep 0.05; done\nexit 44\n");
        Path job = Files.writeString(dir.resolve("job.sh"), String.join("\n",
                "set -m",
                JAVA + " -jar " + JAR + " run --rules " + rules()
                        + " -- sh " + workload,
                "echo stopped=$? > " + status,
                "sleep 1",
                "fg %1 > /dev/null",
                "echo end=$? >> " + status, ""));
        Process p = onTerminal("bash " + job);
        try {
            awaitFile(ready);
            long workloadPid = Long.parseLong(Files.readString(pid).strip());
            Thread.sleep(300);
            p.getOutputStream().write(26); // Ctrl-Z
            p.getOutputStream().flush();
            awaitContent(status, "stopped=");
            assertEquals("stopped=" + (128 + 20), Files.readString(status).strip(), "the shell saw its job stop");
            // 't': stopped, and held so by its tracer (PTRACE_LISTEN)
            assertTrue("Tt".indexOf(state(workloadPid)) >= 0, "the workload is stopped with it: " + state(workloadPid));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ("Tt".indexOf(state(workloadPid)) >= 0) {
                assertTrue(System.nanoTime() < end, "fg never continued the workload");
                Thread.sleep(20);
            }
            Files.writeString(stop, "");
            awaitContent(status, "end=");
            assertTrue(Files.readString(status).contains("end=44"), Files.readString(status) + out());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anInvalidVariableFailsFastNamingIt() throws Exception {
        Process p = start(Map.of("PEREGRINE_PRIORITY", "strict"), "--rules", rules().toString(), "--", "true");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(err().contains("PEREGRINE_PRIORITY") && err().contains("availability"), err());
    }
}
