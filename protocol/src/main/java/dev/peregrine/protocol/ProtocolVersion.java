package dev.peregrine.protocol;

/**
 * The agent/orchestrator wire protocol version. Peers with the same major version are
 * compatible: a minor version only adds optional fields, which every reader ignores when it
 * does not know them.
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {
    public static final ProtocolVersion CURRENT = new ProtocolVersion(1, 0);

    public ProtocolVersion {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("protocol version must be at least 1.0, got " + major + "." + minor);
        }
    }

    /** Parses "1" or "1.2"; the error names what was expected. */
    public static ProtocolVersion parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        try {
            if (parts.length == 1) {
                return new ProtocolVersion(Integer.parseInt(parts[0]), 0);
            }
            if (parts.length == 2) {
                return new ProtocolVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException ignored) {
            // fall through to the common error
        }
        throw new IllegalArgumentException("protocol version must look like MAJOR or MAJOR.MINOR, got '" + text + "'");
    }

    public boolean isCompatibleWith(ProtocolVersion other) {
        return major == other.major;
    }

    @Override
    public int compareTo(ProtocolVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
