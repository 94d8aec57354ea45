package dev.peregrine.bundle;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadEnvironmentTest {
    @Test
    void setAsideVariablesGetTheirNamesBackAndOthersAreKept() {
        Map<String, String> env = WorkloadEnvironment.restore(Map.of(
                "PATH", "/bin",
                "PEREGRINE_WORKLOAD_ENV_LD_PRELOAD", "/lib/x.so",
                "PEREGRINE_WORKLOAD_ENV_JAVA_TOOL_OPTIONS", "-javaagent:a.jar",
                "PEREGRINE_WORKLOAD_ENV_HOME", "/root"));
        assertEquals(Map.of("PATH", "/bin", "LD_PRELOAD", "/lib/x.so", "JAVA_TOOL_OPTIONS", "-javaagent:a.jar"), env,
                "only the launcher's names are restored; other prefixed names are dropped");
    }

    @Test
    void restoredValueWinsOverOneTheAgentWasGiven() {
        Map<String, String> env = WorkloadEnvironment.restore(Map.of(
                "LD_LIBRARY_PATH", "/agent", "PEREGRINE_WORKLOAD_ENV_LD_LIBRARY_PATH", "/usr/lib/app"));
        assertEquals("/usr/lib/app", env.get("LD_LIBRARY_PATH"));
    }

    @Test
    void launcherSetsAsideExactlyTheNamesTheAgentRestores() throws IOException {
        String source = Files.readString(Path.of(System.getProperty("peregrine.root"), "bundle/src/main/c/instrument.c"));
        Matcher array = Pattern.compile("SET_ASIDE\\[\\] = \\{([^}]*)}").matcher(source);
        assertTrue(array.find(), "SET_ASIDE array in instrument.c");
        List<String> names = Arrays.stream(array.group(1).split(","))
                .map(String::strip).filter(s -> s.startsWith("\"")).map(s -> s.substring(1, s.length() - 1)).toList();
        assertEquals(WorkloadEnvironment.SET_ASIDE, names);
        assertTrue(source.contains("#define PREFIX \"" + WorkloadEnvironment.PREFIX + "\""));
    }

    @Test
    void logLevelFollowsThePeregrineCommand() {
        assertEquals("info", InstrumentMain.logLevel(null));
        assertEquals("warn", InstrumentMain.logLevel(" WARNING "));
        assertEquals("debug", InstrumentMain.logLevel("debug"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstrumentMain.logLevel("loud"));
        assertTrue(e.getMessage().contains("PEREGRINE_LOG_LEVEL='loud'"), e.getMessage());
    }
}
