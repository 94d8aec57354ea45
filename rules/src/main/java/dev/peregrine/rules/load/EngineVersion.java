package dev.peregrine.rules.load;

/**
 * The Falco engine version whose rules language this engine implements. 0.57.0 is what the
 * upstream rules files (falco-rules 5.x) require; files asking for a newer engine may use
 * language features this engine does not have, so they are rejected as Falco would reject them.
 */
public final class EngineVersion {
    private EngineVersion() {
    }

    public static final String VERSION = "0.57.0";

    /** Parses "x.y.z"; null when it is not one. */
    static int[] parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!parts[i].matches("[0-9]+")) {
                return null;
            }
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return v;
    }

    /** Same major version and this engine at least as new as required. */
    static boolean compatible(String required) {
        int[] r = parse(required);
        int[] e = parse(VERSION);
        if (r == null || e == null || r[0] != e[0]) {
            return false;
        }
        return e[1] != r[1] ? e[1] > r[1] : e[2] >= r[2];
    }
}
