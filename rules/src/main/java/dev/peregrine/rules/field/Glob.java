package dev.peregrine.rules.field;

/**
 * {@code fnmatch(3)} without {@code FNM_PATHNAME}, as Falco's {@code glob} operator uses it:
 * {@code *} also matches {@code /}; {@code ?} one character; {@code [...]} a class with ranges and
 * {@code !}/{@code ^} negation; a backslash escapes the next character.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String pattern, String text, boolean ignoreCase) {
        return match(pattern, 0, text, 0, ignoreCase);
    }

    private static boolean match(String p, int pi, String s, int si, boolean ic) {
        int starP = -1;
        int starS = -1;
        while (si < s.length()) {
            if (pi < p.length()) {
                char pc = p.charAt(pi);
                if (pc == '*') {
                    starP = ++pi;
                    starS = si;
                    continue;
                }
                int next = single(p, pi, s.charAt(si), ic);
                if (next >= 0) {
                    pi = next;
                    si++;
                    continue;
                }
            }
            if (starP >= 0) {
                pi = starP;
                si = ++starS;
                continue;
            }
            return false;
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** Matches one text character at pattern position pi; returns the next pattern position or -1. */
    private static int single(String p, int pi, char c, boolean ic) {
        char pc = p.charAt(pi);
        if (pc == '?') {
            return pi + 1;
        }
        if (pc == '\\' && pi + 1 < p.length()) {
            return eq(p.charAt(pi + 1), c, ic) ? pi + 2 : -1;
        }
        if (pc == '[') {
            int i = pi + 1;
            boolean negate = i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^');
            if (negate) {
                i++;
            }
            boolean matched = false;
            boolean first = true;
            while (i < p.length() && (first || p.charAt(i) != ']')) {
                first = false;
                char lo = p.charAt(i);
                if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                    char hi = p.charAt(i + 2);
                    char cc = ic ? Character.toLowerCase(c) : c;
                    if ((c >= lo && c <= hi) || (ic && cc >= Character.toLowerCase(lo) && cc <= Character.toLowerCase(hi))) {
                        matched = true;
                    }
                    i += 3;
                } else {
                    if (eq(lo, c, ic)) {
                        matched = true;
                    }
                    i++;
                }
            }
            if (i >= p.length()) {
                // No closing bracket: '[' is an ordinary character.
                return c == '[' ? pi + 1 : -1;
            }
            return matched != negate ? i + 1 : -1;
        }
        return eq(pc, c, ic) ? pi + 1 : -1;
    }

    private static boolean eq(char a, char b, boolean ic) {
        return a == b || (ic && Character.toLowerCase(a) == Character.toLowerCase(b));
    }
}
