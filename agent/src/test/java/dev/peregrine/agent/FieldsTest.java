package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fields the upstream rules use that come from the process tree, the container's
 * {@code /etc/passwd} and the socket itself: {@code proc.sid}, {@code proc.vpgid} (and their
 * leaders' names), {@code user.homedir}, {@code user.shell}, {@code fd.l4proto}, on real
 * workloads under the real tracer.
 */
class FieldsTest {
    @TempDir
    Path dir;

    private Path rules(String marker, int tcpPort, int udpPort) throws Exception {
        Path file = dir.resolve("fields.yaml");
        Files.writeString(file, """
                - rule: Marker read
                  desc: reads of the marker file
                  condition: evt.type in (open, openat, openat2) and fd.name = %s
                  output: marker (pid=%%proc.pid sid=%%proc.sid vpgid=%%proc.vpgid vpgid_name=%%proc.vpgid.name sname=%%proc.sname home=%%user.homedir shell=%%user.shell uid=%%user.uid)
                  priority: NOTICE
                - rule: Test connect
                  desc: connections to the test ports
                  condition: evt.type = connect and (fd.sport = %d or fd.sport = %d)
                  output: connect (proto=%%fd.l4proto connection=%%fd.name)
                  priority: NOTICE
                """.formatted(marker, tcpPort, udpPort));
        return file;
    }

    private static boolean hasControllingTerminal() {
        try (var tty = new java.io.RandomAccessFile("/dev/tty", "r")) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Field {@code index} of the /etc/passwd entry of {@code uid}. */
    private static String passwd(int uid, int index) throws Exception {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":", -1);
            if (f.length > 6 && f[2].equals(Integer.toString(uid))) {
                return f[index];
            }
        }
        throw new AssertionError("no uid " + uid + " in /etc/passwd");
    }

    private static JsonNode fields(Run run, String rule) {
        List<JsonNode> alerts = run.alerts(rule);
        assertEquals(1, alerts.size(), run.alerts + run.stderr);
        return alerts.getFirst().path("output_fields");
    }

    @Test
    void sessionAndProcessGroupOfAChildOfTheWorkload() throws Exception {
        Path marker = Files.writeString(dir.resolve("marker"), "m");
        Path ids = dir.resolve("ids");
        Run run = Run.standalone(List.of(rules(marker.toString(), 1, 1)), List.of(), Map.of(), "sh", "-c",
                "echo $$ > " + ids + "; cat " + marker + " > /dev/null");
        assertEquals(0, run.status, run.stderr);
        long main = Long.parseLong(Files.readString(ids).strip());
        JsonNode f = fields(run, "Marker read");
        assertEquals(main, f.path("proc.vpgid").asLong(), "cat is in the group its shell leads: " + f);
        assertEquals("sh", f.path("proc.vpgid.name").asText(), f.toString());
        if (!hasControllingTerminal()) {
            assertEquals(main, f.path("proc.sid").asLong(), "the workload leads its session: " + f);
            assertEquals("sh", f.path("proc.sname").asText(), f.toString());
        }
    }

    @Test
    void setsidWithoutExecIsFollowed() throws Exception {
        Path marker = Files.writeString(dir.resolve("marker"), "m");
        Path child = dir.resolve("child");
        // A forked child leaves its shell's session and reads the marker without exec'ing anything.
        String perl = """
                use POSIX; my $p = fork(); if ($p == 0) { POSIX::setsid(); open(my $o, '>', '%s'); print $o $$; close($o);
                open(my $f, '<', '%s'); exit 0; } waitpid($p, 0);
                """.formatted(child, marker);
        Run run = Run.standalone(List.of(rules(marker.toString(), 1, 1)), List.of(), Map.of(), "perl", "-e", perl);
        assertEquals(0, run.status, run.stderr);
        long pid = Long.parseLong(Files.readString(child).strip());
        JsonNode f = fields(run, "Marker read");
        assertEquals(pid, f.path("proc.pid").asLong(), f.toString());
        assertEquals(pid, f.path("proc.sid").asLong(), "setsid made it a session leader: " + f);
        assertEquals(pid, f.path("proc.vpgid").asLong(), "and a process group leader: " + f);
    }

    @Test
    void homeDirectoryAndShellComeFromTheContainersPasswd() throws Exception {
        Path rules = rules("/etc/hostname", 1, 1);
        Run root = Run.standalone(List.of(rules), List.of(), Map.of(), "cat", "/etc/hostname");
        assertEquals(0, root.status, root.stderr);
        JsonNode r = fields(root, "Marker read");
        assertEquals(passwd(0, 5), r.path("user.homedir").asText(), r.toString());
        assertEquals(passwd(0, 6), r.path("user.shell").asText(), r.toString());

        Run nobody = Run.standalone(List.of(rules), List.of(), Map.of(), "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "cat", "/etc/hostname");
        assertEquals(0, nobody.status, nobody.stderr);
        JsonNode n = fields(nobody, "Marker read");
        assertEquals(65534, n.path("user.uid").asInt(), n.toString());
        assertEquals(passwd(65534, 5), n.path("user.homedir").asText(), n.toString());
        assertEquals(passwd(65534, 6), n.path("user.shell").asText(), n.toString());
    }

    @Test
    void l4protoIsAskedOfTheSocket() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket(0, 50, lo); DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            Path rules = rules("/nonexistent-marker", tcp.getLocalPort(), udp.getLocalPort());
            Run t = Run.standalone(List.of(rules), List.of(), Map.of(), "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + tcp.getLocalPort());
            assertEquals(0, t.status, t.stderr);
            JsonNode tf = fields(t, "Test connect");
            assertEquals("tcp", tf.path("fd.l4proto").asText(), tf.toString());

            Run u = Run.standalone(List.of(rules), List.of(), Map.of(), "bash", "-c",
                    "echo hello > /dev/udp/127.0.0.1/" + udp.getLocalPort());
            assertEquals(0, u.status, u.stderr);
            JsonNode uf = fields(u, "Test connect");
            assertEquals("udp", uf.path("fd.l4proto").asText(), uf.toString());
            assertTrue(uf.path("fd.name").asText().endsWith("127.0.0.1:" + udp.getLocalPort()), uf.toString());
        }
    }

    @Test
    void anAcceptedConnectionNamesItsClientAndThisServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path file = dir.resolve("accept.yaml");
        Files.writeString(file, """
                - rule: Test accept
                  desc: connections accepted on the test port
                  condition: evt.type in (accept, accept4) and fd.sport = %d
                  output: accepted (connection=%%fd.name cip=%%fd.cip cport=%%fd.cport sip=%%fd.sip sport=%%fd.sport lport=%%fd.lport rport=%%fd.rport server=%%fd.is_server)
                  priority: NOTICE
                """.formatted(port));
        int serverPort = port;
        int[] clientPort = new int[1];
        Thread client = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 400; i++) {
                try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                    clientPort[0] = s.getLocalPort();
                    return;
                } catch (java.io.IOException e) {
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        Run run = Run.standalone(List.of(file), List.of(), Map.of(), "python3", "-c",
                "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);"
                        + " s.bind(('127.0.0.1'," + port + ")); s.listen(1); c,a=s.accept(); c.close()");
        client.join();
        assertEquals(0, run.status, run.stderr);
        JsonNode f = fields(run, "Test accept");
        assertEquals("127.0.0.1:" + clientPort[0] + "->127.0.0.1:" + port, f.path("fd.name").asText(), f.toString());
        assertEquals("127.0.0.1", f.path("fd.cip").asText(), f.toString());
        assertEquals(clientPort[0], f.path("fd.cport").asInt(), f.toString());
        assertEquals(port, f.path("fd.sport").asInt(), f.toString());
        assertEquals(port, f.path("fd.lport").asInt(), "the workload is the server: " + f);
        assertEquals(clientPort[0], f.path("fd.rport").asInt(), f.toString());
        assertTrue(f.path("fd.is_server").asBoolean(), f.toString());
    }
}
