package dev.peregrine.rules;

import dev.peregrine.rules.event.ContainerRecord;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.event.FdRecord;
import dev.peregrine.rules.event.ThreadRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.peregrine.rules.LoaderTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operators × field types on real event records, and Falco's missing-value semantics. */
class EvaluationTest {
    static final ThreadRecord SHELL_PARENT = Rules.proc("sshd").pid(10).build();
    static final ThreadRecord BASH = Rules.proc("bash", "-c", "cat /etc/Shadow").pid(100).parent(
            Rules.proc("sudo").pid(50).parent(SHELL_PARENT).build()).uid(1000).userName("alice").loginUid(1000)
            .env(List.of("HOME=/home/alice", "PATH=/bin")).tty(34816).startTimeNanos(1_764_365_440_000_000_000L)
            .capEffective(1L << 21).build();
    static final EventRecord OPEN = Rules.event("openat").number(7).res(3L)
            .arg("fd", "3").arg("name", "/etc/shadow").arg("flags", "O_RDONLY|O_CLOEXEC").rawArg("mode", 0L)
            .thread(BASH).fd(FdRecord.file(3, "file", "/etc/shadow")).build();
    static final EventRecord CONNECT = Rules.event("connect").res(-115L)
            .thread(BASH).fd(FdRecord.socket(4, "tcp", "10.0.0.5", 40000, "172.16.3.4", 6443, false)).build();
    static final EventRecord BARE = Rules.event("openat").build();

    static boolean eval(String condition, EventRecord e) {
        return Rules.compile(condition).matches(e);
    }

    @ParameterizedTest(name = "{0} on open -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // strings
            "proc.name = bash | true", "proc.name == bash | true", "proc.name != bash | false", "proc.name != zsh | true",
            "proc.cmdline contains /etc/S | true", "proc.cmdline contains /etc/s | false", "proc.cmdline icontains /ETC/s | true",
            "fd.name startswith /etc/ | true", "fd.name endswith shadow | true", "fd.name endswith /etc | false",
            "fd.name glob '/etc/*' | true", "fd.name glob '/e?c/sh[a-c]dow' | true", "fd.name glob '*.conf' | false",
            "fd.name iglob '/ETC/*' | true", "fd.name regex '/etc/sha.*' | true", "fd.name regex 'sha' | false",
            "proc.name in (zsh, bash) | true", "proc.name in (zsh, ksh) | false", "proc.name intersects (bash) | true",
            "fd.name pmatch (/etc) | true", "fd.name pmatch (/et) | false", "fd.name pmatch (/etc/shadow) | true", "fd.name pmatch (/usr, /e*) | true",
            "fd.directory = /etc | true", "fd.filename = shadow | true", "fd.typechar = f | true", "fd.type = file | true",
            // numbers
            "proc.pid = 100 | true", "proc.pid != 100 | false", "proc.pid > 99 | true", "proc.pid <= 99 | false",
            "user.uid in (0, 1000) | true", "fd.num = 3 | true", "fd.num >= 0x3 | true", "evt.num = 7 | true",
            "evt.rawres >= 0 | true", "evt.res = SUCCESS | true", "proc.tty != 0 | true", "user.loginuid = 1000 | true",
            "proc.duration > 1000000000 | true", "proc.duration < 1000000000 | false",
            // booleans
            "evt.is_open_read = true | true", "evt.is_open_write = true | false", "evt.is_open_write = false | true",
            "proc.is_exe_upper_layer = false | true",
            // args
            "evt.arg.flags contains O_RDONLY | true", "evt.arg.flags contains O_TRUNC | false", "evt.arg[1] = /etc/shadow | true",
            "evt.rawarg.mode = 0 | true", "evt.arg.name = /etc/shadow | true",
            // ancestors, env, user
            "proc.pname = sudo | true", "proc.aname[2] = sshd | true", "proc.aname[1] = sshd | false", "proc.aname = sshd | true",
            "proc.aname = bash | false", "proc.aname in (sudo) | true", "proc.apid[2] = 10 | true",
            "proc.env[HOME] = /home/alice | true", "proc.env contains 'PATH=/bin' | true", "user.name = alice | true",
            "thread.cap_effective contains CAP_SYS_ADMIN | true", "thread.cap_permitted contains CAP_SYS_ADMIN | false",
            "proc.sname = bash | true",
            // transformers and field comparisons
            "tolower(proc.cmdline) contains /etc/shadow | true", "toupper(proc.name) = BASH | true", "basename(fd.name) = shadow | true",
            "len(proc.name) = 4 | true", "proc.name = val(proc.pname) | false", "proc.pid > val(proc.ppid) | true",
            "proc.name = val(proc.aname[0]) | true",
            // containers: host process
            "container.id = host | true", "container.id != host | false", "container.image.repository exists | false",
            "k8s.ns.name exists | false",
            // exists and logic
            "fd.name exists | true", "fd.sip exists | false", "not fd.sip exists | true",
            "proc.name = bash and (fd.name = /x or evt.type = openat) | true", "not (proc.name = bash) | false",
    })
    void operatorsOnAnOpenEvent(String condition, boolean expected) {
        assertEquals(expected, eval(condition, OPEN), condition);
    }

    @ParameterizedTest(name = "{0} on connect -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "fd.sip = 172.16.3.4 | true", "fd.sip = 172.16.3.5 | false", "fd.ip = 10.0.0.5 | true", "fd.ip = 172.16.3.4 | true",
            "fd.net = 172.16.0.0/12 | true", "fd.snet in (10.0.0.0/8, 192.168.0.0/16) | false", "fd.cnet = 10.0.0.0/8 | true",
            "fd.sport = 6443 | true", "fd.rport = 6443 | true", "fd.lport = 40000 | true", "fd.port = 40000 | true",
            "fd.rip = 172.16.3.4 | true", "fd.l4proto = tcp | true", "fd.typechar = 4 | true", "fd.sockfamily = ip | true",
            "fd.name = 10.0.0.5:40000->172.16.3.4:6443 | true", "fd.connected = true | true",
            "evt.res = EINPROGRESS | true", "evt.rawres >= 0 | false", "evt.failed = true | true",
            "fd.directory exists | false", "fd.sip.name exists | false",
    })
    void operatorsOnAConnectEvent(String condition, boolean expected) {
        assertEquals(expected, eval(condition, CONNECT), condition);
    }

    @ParameterizedTest(name = "missing: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "proc.name = bash", "proc.name != bash", "proc.name in (bash)", "proc.name contains a", "proc.pid > 0", "proc.pid != 0",
            "fd.name startswith /", "fd.name != /", "user.uid = 0", "user.uid != 0", "evt.rawres >= 0", "evt.res != SUCCESS",
            "proc.aname = x", "proc.aname != x", "fd.ip = 1.2.3.4", "fd.net != 10.0.0.0/8", "evt.arg.flags contains O", "proc.name exists",
            "tolower(proc.name) = x", "proc.is_exe_upper_layer = false", "proc.is_exe_upper_layer != true",
    })
    void missingValuesMakeEveryComparisonFalse(String condition) {
        assertFalse(eval(condition, BARE), condition);
        assertTrue(eval("not (" + condition + ")", BARE), condition);
    }

    @Test
    void containerFields() {
        ContainerRecord c = new ContainerRecord("0123456789ab", "app", "docker.io/library/nginx:1.27", "docker.io/library/nginx",
                "1.27", null, true, 5L, List.of(new dev.peregrine.rules.event.ContainerInfo.Mount("/var/run/docker.sock", "/run/docker.sock", "", true, "")), null, null);
        EventRecord e = Rules.event("execve").thread(BASH).container(c).build();
        assertTrue(eval("container.id != host and container.privileged = true", e));
        assertTrue(eval("container.image.repository endswith /nginx", e));
        assertTrue(eval("container.mount.dest[/var/run/docker.sock] = /run/docker.sock", e));
        assertTrue(eval("container.mount.dest[/proc*] in (\"<NA>\", \"N/A\")", e));
        assertFalse(eval("k8s.ns.name exists", e));
    }

    @Test
    void typeErrorsAreCompileErrors() {
        assertError(Rules.load(Rules.rule("R", "proc.pid contains 1", "x")), "LOAD_ERR_COMPILE_CONDITION",
                "operator 'contains' is not supported by field 'proc.pid'", 3);
        // Ordering operators take numbers only, as in libs' grammar.
        assertError(Rules.load(Rules.rule("R", "proc.name > bash", "x")), "LOAD_ERR_COMPILE_CONDITION", "expected a number value", 3);
        assertError(Rules.load(Rules.rule("R", "proc.pid = abc", "x")), "LOAD_ERR_COMPILE_CONDITION", "'abc' is not a valid number", 3);
        assertError(Rules.load(Rules.rule("R", "evt.is_open_read = yes", "x")), "LOAD_ERR_COMPILE_CONDITION", "not a valid boolean", 3);
        assertError(Rules.load(Rules.rule("R", "fd.sip = nothost", "x")), "LOAD_ERR_COMPILE_CONDITION", "not a valid IP address", 3);
        assertError(Rules.load(Rules.rule("R", "fd.name regex '('", "x")), "LOAD_ERR_COMPILE_CONDITION", "invalid regular expression", 3);
        assertError(Rules.load(Rules.rule("R", "proc.aname[x] = a", "x")), "LOAD_ERR_COMPILE_CONDITION", "expects a non-negative index", 3);
        assertError(Rules.load(Rules.rule("R", "tolower(proc.pid) = a", "x")), "LOAD_ERR_COMPILE_CONDITION", "transformer 'tolower' is not supported", 3);
    }

    @Test
    void ipLiterals() {
        EventRecord v6 = Rules.event("connect").fd(FdRecord.socket(3, "tcp", "fd00::5", 1000, "2001:db8::1", 443, false)).build();
        assertTrue(eval("fd.sip = 2001:db8::1 and fd.snet = 2001:db8::/32", v6));
        assertFalse(eval("fd.snet in (10.0.0.0/8)", v6));
        EventRecord invalid = Rules.event("connect").fd(FdRecord.socket(3, "tcp", "10.0.0.256", 1000, "1.2.3", 443, false)).build();
        assertFalse(eval("fd.cnet = 10.0.0.0/8", invalid));
        assertFalse(eval("fd.sip = 1.2.3.0", invalid));
    }

    @Test
    void openFlagFields() {
        EventRecord creat = Rules.event("creat").res(3L).arg("name", "/tmp/x").arg("mode", "0755").build();
        assertTrue(eval("evt.is_open_write = true and evt.is_open_exec = true", creat));
        EventRecord open = Rules.event("openat").res(3L).arg("flags", "O_RDWR|O_CREAT").arg("mode", "0644").build();
        assertTrue(eval("evt.is_open_read = true and evt.is_open_write = true and evt.is_open_exec = false", open));
        // A flag name is matched whole: O_RDONLY is not found inside O_RDONLYX.
        assertFalse(eval("evt.is_open_read = true", Rules.event("open").arg("flags", "O_RDONLYX").build()));
    }

    @Test
    void bytesOperators() {
        EventRecord e = Rules.event("recvfrom").rawArg("data", new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 1}).build();
        assertTrue(eval("evt.buffer bcontains feba", e));
        assertTrue(eval("evt.buffer bstartswith CAFE", e));
        assertFalse(eval("evt.buffer bstartswith babe", e));
    }

    @Test
    void ruleSelectionByNameTagPriorityAndMatchingMode() {
        String yaml = Rules.rule("A", "evt.type = open", "a") + "  tags: [files]\n"
                + Rules.rule("B", "evt.type = open and proc.name = cat", "b").replace("WARNING", "CRITICAL")
                + Rules.rule("C", "evt.type = execve", "c") + "  enabled: false\n";
        RuleSet rs = Rules.load(yaml).ruleSet().orElseThrow();
        EventRecord open = Rules.event("open").thread(Rules.proc("cat").build()).build();
        assertEquals(List.of("A"), rs.evaluator().matches(open).stream().map(Rule::name).toList());
        assertEquals(List.of("A", "B"), rs.select(Selection.defaults().withMatching(Selection.Matching.ALL)).matches(open).stream().map(Rule::name).toList());
        assertEquals(List.of("B"), rs.select(Selection.defaults().withMinimumPriority(Priority.ERROR)).matches(open).stream().map(Rule::name).toList());
        assertEquals(List.of("B"), rs.select(Selection.defaults().withDisabled(java.util.Set.of(), java.util.Set.of("files"))).matches(open).stream().map(Rule::name).toList());
        EventRecord exec = Rules.event("execve").build();
        assertTrue(rs.evaluator().matches(exec).isEmpty());
        assertEquals(List.of("C"), rs.select(Selection.defaults().withEnabled(java.util.Set.of("C"), java.util.Set.of())).matches(exec).stream().map(Rule::name).toList());
        assertEquals(0, rs.evaluator().rulesFor("execve").length);
        assertEquals(2, rs.evaluator().rulesFor("open").length);
    }
}
