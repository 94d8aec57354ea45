package dev.peregrine.instrument.registry;

import java.util.Locale;

/** The platform an image is run on; ECS names it with {@code RuntimePlatform.CpuArchitecture}. */
public enum Platform {
    LINUX_AMD64("amd64", "X86_64"),
    LINUX_ARM64("arm64", "ARM64");

    private final String architecture;
    private final String ecsName;

    Platform(String architecture, String ecsName) {
        this.architecture = architecture;
        this.ecsName = ecsName;
    }

    /** The OCI {@code architecture} of an index entry. */
    public String architecture() {
        return architecture;
    }

    public String os() {
        return "linux";
    }

    /** The value of ECS {@code CpuArchitecture}. */
    public String ecsName() {
        return ecsName;
    }

    /** Accepts ECS names (X86_64, ARM64) and OCI names (amd64, arm64, linux/amd64, linux/arm64/v8). */
    public static Platform parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("linux/")) {
            v = v.substring("linux/".length());
        }
        return switch (v) {
            case "x86_64", "amd64" -> LINUX_AMD64;
            case "arm64", "aarch64", "arm64/v8" -> LINUX_ARM64;
            default -> throw new IllegalArgumentException("'" + value + "' is not a supported CPU architecture (X86_64 or ARM64)");
        };
    }

    @Override
    public String toString() {
        return os() + "/" + architecture;
    }
}
