package dev.peregrine.rules.load;

import java.util.List;

/**
 * Falco's textual list substitution: a list name delimited by the start or end of the text or by
 * one of {@code " \t\n\r(),="} is replaced by its items joined with {@code ", "}. An empty list
 * also takes one adjacent comma with it. This happens before parsing, for every list, in every
 * macro and rule condition.
 */
public final class ListExpansion {
    private static final String BLANKS = " \t\n\r";
    private static final String DELIMITERS = BLANKS + "(),=";

    private ListExpansion() {
    }

    /** Quotes an item holding a space unless it is already quoted (Falco's {@code quote_item}). */
    public static String quoteItem(String item) {
        if (item.contains(" ") && !item.startsWith("\"") && !item.startsWith("'")) {
            return "\"" + item + "\"";
        }
        return item;
    }

    /** Replaces {@code name} in {@code condition}; returns null when the name does not occur. */
    public static String substitute(String condition, String name, List<String> items) {
        if (name.isEmpty()) {
            return null;
        }
        boolean used = false;
        String cnd = condition;
        int start = cnd.indexOf(name);
        while (start >= 0) {
            int end = start + name.length();
            boolean delimitedBefore = start == 0 || DELIMITERS.indexOf(cnd.charAt(start - 1)) >= 0;
            boolean delimitedAfter = end >= cnd.length() || DELIMITERS.indexOf(cnd.charAt(end)) >= 0;
            if (delimitedBefore && delimitedAfter) {
                while (start > 0 && BLANKS.indexOf(cnd.charAt(start - 1)) >= 0) {
                    start--;
                }
                while (end < cnd.length() && BLANKS.indexOf(cnd.charAt(end)) >= 0) {
                    end++;
                }
                StringBuilder sub = new StringBuilder();
                for (String item : items) {
                    if (!sub.isEmpty()) {
                        sub.append(", ");
                    }
                    sub.append(quoteItem(item));
                }
                if (sub.isEmpty()) {
                    if (start > 0 && cnd.charAt(start - 1) == ',') {
                        start--;
                    } else if (end < cnd.length() && cnd.charAt(end) == ',') {
                        end++;
                    }
                }
                StringBuilder next = new StringBuilder();
                if (start > 0) {
                    next.append(cnd, 0, start).append(' ');
                }
                next.append(sub).append(' ');
                int resume = next.length();
                next.append(cnd.substring(Math.min(end, cnd.length())));
                cnd = next.toString();
                used = true;
                start = cnd.indexOf(name, resume);
            } else {
                start = cnd.indexOf(name, start + 1);
            }
        }
        return used ? cnd : null;
    }
}
