package dev.peregrine.bundle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's JVM runs with the task's environment, but some of its variables are meant for the
 * workload and would break or change the agent: the glibc loader honours {@code LD_PRELOAD},
 * {@code LD_AUDIT} and {@code LD_LIBRARY_PATH} (a musl library preloaded into a glibc process
 * crashes it), the JVM honours {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} and
 * {@code _JAVA_OPTIONS} (a workload's {@code -javaagent:} is not in our image). The static
 * launcher renames each to {@code PEREGRINE_WORKLOAD_ENV_<NAME>} before starting the JVM; this
 * puts them back for the workload. The launcher's list in {@code src/main/c/instrument.c} is
 * {@link #SET_ASIDE}.
 */
public final class WorkloadEnvironment {
    public static final String PREFIX = "PEREGRINE_WORKLOAD_ENV_";
    public static final List<String> SET_ASIDE = List.of("LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH",
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private WorkloadEnvironment() {
    }

    /** The environment the task gave, with the set-aside variables under their own names again. */
    public static Map<String, String> restore(Map<String, String> agentEnv) {
        Map<String, String> env = new HashMap<>();
        agentEnv.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                env.put(name, value);
            }
        });
        agentEnv.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && SET_ASIDE.contains(name.substring(PREFIX.length()))) {
                env.put(name.substring(PREFIX.length()), value);
            }
        });
        return env;
    }
}
