package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a policy does when one of its rules matches. */
public enum Action {
    /** Send the alert only. */
    NOTIFY,
    /** Kill the process that triggered the rule. */
    KILL_PROCESS,
    /** Stop the whole task (the agent exits, the workload dies with it). */
    KILL_TASK,
    /** Fail the syscall before it runs (with EPERM). */
    DENY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Action parse(String text) {
        for (Action a : values()) {
            if (a.wireName().equals(text)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + text + "', expected one of "
                + Arrays.stream(values()).map(Action::wireName).collect(Collectors.joining(", ")));
    }
}
