package dev.peregrine.instrument.registry;

import java.util.regex.Pattern;

/**
 * A parsed image reference: {@code [registry/]repository[:tag][@digest]}, normalized as Docker
 * does (no registry: Docker Hub, and {@code library/} for one-part names; no tag: latest).
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
    private static final Pattern HOST = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\\[[0-9a-fA-F:]+](?::[0-9]+)?");

    public static ImageReference parse(String reference) throws RegistryException {
        String rest = reference.trim();
        if (rest.isEmpty()) {
            throw bad(reference, "it is empty");
        }
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw bad(reference, "'" + digest + "' is not a digest (algorithm:hex)");
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw bad(reference, "'" + tag + "' is not a valid tag");
            }
        }
        String registry = DOCKER_HUB;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("[")) {
                if (!HOST.matcher(head).matches()) {
                    throw bad(reference, "'" + head + "' is not a registry host");
                }
                registry = head.equals("docker.io") || head.equals("index.docker.io") ? DOCKER_HUB : head;
                rest = rest.substring(first + 1);
            }
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw bad(reference, "'" + component + "' is not a valid repository name part (lower-case letters, digits, '.', '_', '-')");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    private static RegistryException bad(String reference, String why) {
        return new RegistryException(RegistryException.Kind.BAD_REFERENCE,
                "'" + reference + "' is not an image reference: " + why);
    }

    /** The manifest to ask for: the digest when pinned, else the tag. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
