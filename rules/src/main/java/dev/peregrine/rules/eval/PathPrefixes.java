package dev.peregrine.rules.eval;

import dev.peregrine.rules.field.Glob;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The set behind {@code pmatch}: a path matches when one of the prefixes is the path itself or
 * one of its leading directories ({@code /tmp/hello} matches {@code /tmp/hello/world}, not
 * {@code /tmp/hello_world}). Prefixes with glob characters are matched component by component.
 */
final class PathPrefixes {
    private final Set<String> exact = new HashSet<>();
    private final List<String[]> globs = new ArrayList<>();

    PathPrefixes(List<String> prefixes) {
        for (String p : prefixes) {
            String norm = p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
            if (norm.indexOf('*') >= 0 || norm.indexOf('?') >= 0 || norm.indexOf('[') >= 0) {
                globs.add(norm.split("/", -1));
            } else {
                exact.add(norm);
            }
        }
    }

    boolean matches(String path) {
        if (exact.contains(path)) {
            return true;
        }
        if (exact.contains("/") && path.startsWith("/")) {
            return true;
        }
        for (int i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
            if (exact.contains(path.substring(0, i))) {
                return true;
            }
        }
        if (!globs.isEmpty()) {
            String[] parts = path.split("/", -1);
            for (String[] g : globs) {
                if (g.length <= parts.length && componentsMatch(g, parts)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean componentsMatch(String[] glob, String[] parts) {
        for (int i = 0; i < glob.length; i++) {
            if (!Glob.matches(glob[i], parts[i], false)) {
                return false;
            }
        }
        return true;
    }
}
