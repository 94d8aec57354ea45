package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;

/** One entry of a rule's {@code exceptions:}; fields/comps/values keep their scalar-or-list shape. */
public final class ExceptionInfo {
    /** A scalar or a list of entries, as the YAML wrote it. */
    public record Entry(boolean isList, String item, List<Entry> items) {
        public static Entry scalar(String s) {
            return new Entry(false, s, List.of());
        }

        public static Entry list(List<Entry> items) {
            return new Entry(true, null, List.copyOf(items));
        }
    }

    public final String name;
    public final Pos pos;
    /** null when absent. */
    public Entry fields;
    public Entry comps;
    public final List<Entry> values = new ArrayList<>();

    ExceptionInfo(String name, Pos pos) {
        this.name = name;
        this.pos = pos;
    }
}
