package dev.peregrine.rules;

import dev.peregrine.rules.eval.EntryScreen;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.event.FdRecord;
import dev.peregrine.rules.event.ThreadRecord;
import dev.peregrine.rules.field.Extractor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entry screen may say "cannot match" only when no exit event of the call matches: checked
 * on hand-picked conditions, on random conditions against many possible exits, and on the
 * upstream Falco rules.
 */
class EntryScreenTest {
    static final ThreadRecord SH = Rules.proc("sh", "-c", "touch /tmp/x").pid(200).uid(0).userName("root").build();

    /** {@code openat} of {@code path} at its entry: the descriptor is named, its number unknown. */
    static EventRecord openEntry(String path, String flags) {
        return Rules.event("openat").arg("dirfd", "AT_FDCWD").arg("name", path).arg("flags", flags)
                .thread(SH).fd(FdRecord.file(Extractor.MISSING, "file", path)).build();
    }

    /** The same call at its exit, with {@code res}: the descriptor's number on success. */
    static EventRecord openExit(String path, String flags, Long res) {
        return Rules.event("openat").number(9).res(res).arg("dirfd", "AT_FDCWD").arg("name", path).arg("flags", flags)
                .thread(SH).fd(FdRecord.file(res != null && res >= 0 ? res : -1, "file", path)).build();
    }

    static boolean screen(String condition, EventRecord entry, boolean descriptorKnown) {
        return EntryScreen.of(Rules.compile(condition).resolved()).mayMatch(entry, descriptorKnown);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // decided at entry
            "evt.type = openat and fd.name startswith /etc | false",
            "evt.type = openat and fd.name startswith /tmp | true",
            "proc.name = bash | false",
            "not proc.name = bash | true",
            "evt.arg.flags contains O_CREAT and proc.name = sh | true",
            // the result is unknown: it cannot decide alone
            "fd.num >= 0 | true",
            "not fd.num >= 0 | true",
            "evt.res = SUCCESS and proc.name = bash | false",
            "evt.rawres < 0 or proc.name = bash | true",
            "not (fd.num >= 0 and proc.name = bash) | true",
            "fd.num >= 0 and fd.name startswith /etc and proc.name = sh | false",
            "fd.typechar = f and fd.num >= 0 and fd.name startswith /tmp | true",
            // arguments known only at exit, or by position
            "evt.arg.tuple contains 10.0.0.1 and proc.name = sh | true",
            "evt.arg[1] = /etc/passwd | true",
            "evt.num = 9 and proc.name = sh | true",
    })
    void screensAnOpenOfATemporaryFile(String condition, boolean mayMatch) {
        assertEquals(mayMatch, screen(condition, openEntry("/tmp/x", "O_WRONLY|O_CREAT|O_TRUNC"), true), condition);
    }

    @Test
    void descriptorFieldsAreUnknownWhenTheEntryDoesNotNameTheDescriptor() {
        EventRecord entry = openEntry("/tmp/x", "O_WRONLY");
        assertFalse(screen("fd.name startswith /etc", entry, true));
        assertTrue(screen("fd.name startswith /etc", entry, false));
        assertFalse(screen("fd.name startswith /etc and proc.name = bash", entry, false));
    }

    @Test
    void aTransformerOrAFieldOnTheRightTakesTheLaterPhase() {
        EventRecord entry = openEntry("/tmp/x", "O_WRONLY");
        assertFalse(screen("toupper(proc.name) = BASH", entry, true));
        assertTrue(screen("proc.name = val(evt.res)", entry, true));
        assertFalse(screen("fd.name = val(proc.name)", entry, true));
    }

    /** Atoms over every phase, with values that make them true for some exits and false for others. */
    static final List<String> ATOMS = List.of(
            "proc.name = sh", "proc.name = bash", "user.uid = 0", "evt.arg.flags contains O_CREAT",
            "evt.arg.flags contains O_RDONLY", "fd.name startswith /etc", "fd.name = /tmp/x", "fd.typechar = f",
            "fd.directory = /tmp", "fd.num >= 0", "fd.num = 3", "evt.res = SUCCESS", "evt.res = ENOENT",
            "evt.rawres < 0", "evt.failed = true", "evt.rawres exists", "fd.num exists", "evt.num > 5",
            "evt.arg.tuple exists", "evt.args contains name");

    static String randomCondition(Random r, int depth) {
        if (depth == 0 || r.nextInt(4) == 0) {
            return ATOMS.get(r.nextInt(ATOMS.size()));
        }
        return switch (r.nextInt(3)) {
            case 0 -> "(" + randomCondition(r, depth - 1) + " and " + randomCondition(r, depth - 1) + ")";
            case 1 -> "(" + randomCondition(r, depth - 1) + " or " + randomCondition(r, depth - 1) + ")";
            default -> "not " + randomCondition(r, depth - 1);
        };
    }

    @Test
    void neverScreensOutAConditionThatSomeExitMatches() {
        Random r = new Random(20261129);
        List<EventRecord> exits = new ArrayList<>();
        for (Long res : new Long[]{null, 0L, 3L, 7L, -2L, -13L}) {
            exits.add(openExit("/tmp/x", "O_WRONLY|O_CREAT", res));
        }
        EventRecord entry = openEntry("/tmp/x", "O_WRONLY|O_CREAT");
        int screenedOut = 0;
        int kept = 0;
        for (int i = 0; i < 3000; i++) {
            String condition = randomCondition(r, 4);
            Rule rule = Rules.compile(condition);
            boolean may = EntryScreen.of(rule.resolved()).mayMatch(entry, true);
            boolean anyExit = false;
            for (EventRecord exit : exits) {
                anyExit |= rule.matches(exit);
            }
            if (!may) {
                screenedOut++;
                assertFalse(anyExit, () -> "screened out at entry but matches an exit: " + condition);
            } else {
                kept++;
            }
        }
        // The property means something only if the screen both keeps and drops conditions.
        assertTrue(screenedOut > 300 && kept > 300, "screened out " + screenedOut + ", kept " + kept);
    }

    @Test
    void upstreamRulesLetATemporaryFileGoAndStillCatchASensitiveRead() {
        LoadResult loaded = RuleLoader.load(SharedRules.files(SharedRules.STABLE));
        assertTrue(loaded.ok(), () -> loaded.errors().toString());
        RuleSet.Evaluator rules = loaded.ruleSet().orElseThrow().evaluator();
        ThreadRecord cat = Rules.proc("cat", "/etc/shadow").pid(300).uid(0).userName("root").parent(SH).build();

        assertFalse(rules.mayMatchAtExit(openEntry("/tmp/bench/f1", "O_WRONLY|O_CREAT|O_TRUNC"), true));
        assertFalse(rules.mayMatchAtExit(Rules.event("unlinkat").arg("dirfd", "AT_FDCWD").arg("name", "/tmp/bench/f1")
                .arg("flags", "0").thread(SH).build(), false));
        EventRecord shadow = Rules.event("openat").arg("dirfd", "AT_FDCWD").arg("name", "/etc/shadow")
                .arg("flags", "O_RDONLY").thread(cat).fd(FdRecord.file(Extractor.MISSING, "file", "/etc/shadow")).build();
        assertTrue(rules.mayMatchAtExit(shadow, true));
        // And the exit event of that call does match, so skipping it would have lost the alert.
        EventRecord shadowExit = Rules.event("openat").number(1).res(3L).arg("dirfd", "AT_FDCWD").arg("name", "/etc/shadow")
                .arg("flags", "O_RDONLY").thread(cat).fd(FdRecord.file(3, "file", "/etc/shadow")).build();
        assertFalse(rules.matches(shadowExit).isEmpty());
    }
}
