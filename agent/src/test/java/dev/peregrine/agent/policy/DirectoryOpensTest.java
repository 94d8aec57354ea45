package dev.peregrine.agent.policy;

import dev.peregrine.capture.Capture;
import dev.peregrine.capture.Event;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.SyscallHook;
import dev.peregrine.capture.TracedWorkload;
import dev.peregrine.capture.TrapSet;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.RulesFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which rules could match a directory open, and the pre-filter that follows from it. */
class DirectoryOpensTest {
    static Path upstream() {
        return Path.of(System.getProperty("peregrine.rules.dir", "../../shared/falco-rules")).normalize().resolve("falco_rules.yaml");
    }

    static RuleSet load(String name, String yaml) {
        LoadResult r = RuleLoader.load(List.of(new RulesFile(name, yaml)));
        assertTrue(r.ok(), r.diagnostics().toString());
        return r.ruleSet().orElseThrow();
    }

    private static Rule rule(String condition) {
        return load("t.yaml", """
                - rule: R
                  desc: d
                  condition: %s
                  output: o
                  priority: WARNING
                """.formatted(condition)).rules().getFirst();
    }

    @Test
    void conditionsOnFileDescriptorsOrOtherTypesCannotMatchAndTheRestMay() {
        assertFalse(DirectoryOpens.mayMatch(rule("evt.type = openat and fd.typechar = f")));
        assertFalse(DirectoryOpens.mayMatch(rule("evt.type in (open, openat) and fd.type in (file, ipv4)")));
        assertFalse(DirectoryOpens.mayMatch(rule("evt.type = connect and fd.name startswith /etc")));
        assertFalse(DirectoryOpens.mayMatch(rule("evt.type = openat and not fd.typechar != f")));
        assertTrue(DirectoryOpens.mayMatch(rule("evt.type = openat and fd.name startswith /etc")));
        assertTrue(DirectoryOpens.mayMatch(rule("evt.type = openat and not fd.typechar = f")));
        assertTrue(DirectoryOpens.mayMatch(rule("evt.type = openat and (fd.typechar = f or proc.name = find)")));
        assertTrue(DirectoryOpens.mayMatch(rule("evt.type = openat and tolower(fd.type) = file")),
                "a transformer is not analysed: trap");
        assertTrue(DirectoryOpens.mayMatch(rule("evt.type != connect and fd.typechar != f")));
    }

    @Test
    void noUpstreamStableRuleCanMatchADirectoryOpen() {
        RuleSet rs = Detectors.upstream();
        Detector d = new Detector(rs, Policies.NOTIFY_ALL);
        List<String> may = d.running().stream().filter(DirectoryOpens::mayMatch).map(Rule::name).toList();
        assertEquals(List.of(), may);
        TrapSet traps = TrapPlan.withDirectoryOpensUntraced(TrapPlan.forEventTypes(d.eventTypes()), d.running());
        assertEquals(1, traps.prefilters().size());
        assertEquals("openat", traps.prefilters().getFirst().syscall());
    }

    @Test
    void aRuleThatMayMatchKeepsTheStop() {
        Detector d = new Detector(load("t.yaml", """
                - rule: Any open under usr
                  desc: d
                  condition: evt.type = openat and fd.name startswith /usr
                  output: o
                  priority: WARNING
                """), Policies.NOTIFY_ALL);
        TrapSet traps = TrapPlan.withDirectoryOpensUntraced(TrapPlan.forEventTypes(d.eventTypes()), d.running());
        assertEquals(List.of(), traps.prefilters());
    }

    @Test
    void findUnderTheUpstreamRulesMakesNoDirectoryOpenStops() throws Exception {
        Detector d = new Detector(Detectors.upstream(), Policies.NOTIFY_ALL);
        TrapSet plain = TrapPlan.forEventTypes(d.eventTypes());
        TrapSet filtered = TrapPlan.withDirectoryOpensUntraced(plain, d.running());
        Run without = Run.find(plain);
        Run with = Run.find(filtered);
        assertTrue(without.directoryOpens > 100, "find opens directories: " + without.directoryOpens);
        assertEquals(0, with.directoryOpens);
        assertTrue(with.otherOpens > 0, "ordinary opens still stop: " + with.otherOpens);
        assertTrue(with.stops + without.directoryOpens <= without.stops + 10,
                "stops with " + with.stops + ", without " + without.stops);
    }

    private record Run(long directoryOpens, long otherOpens, long stops) {
        static Run find(TrapSet traps) throws Exception {
            AtomicLong dirs = new AtomicLong();
            AtomicLong others = new AtomicLong();
            TracedWorkload w = Capture.start(LaunchSpec.of(List.of("find", "/usr/share/doc", "/usr/include"), traps)
                    .withStdio(Path.of("/dev/null"), Path.of("/dev/null"), Path.of("/dev/null")), e -> {
                if (e instanceof Event.Syscall s && s.type().equals("openat") && s.fd() != null) {
                    (s.fd().typechar() == 'd' ? dirs : others).incrementAndGet();
                }
            }, SyscallHook.ALLOW_ALL);
            assertEquals(0, w.waitFor(Duration.ofSeconds(60)).orElseThrow().code());
            return new Run(dirs.get(), others.get(), w.stopCount());
        }
    }

    /** The upstream stable rules, loaded once. */
    static final class Detectors {
        private static RuleSet upstream;

        static synchronized RuleSet upstream() {
            if (upstream == null) {
                try {
                    upstream = load(DirectoryOpensTest.upstream().toString(), Files.readString(DirectoryOpensTest.upstream()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return upstream;
        }
    }
}
