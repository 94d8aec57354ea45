package dev.peregrine.rules.condition;

/** Falco's string escaping for condition values (libs {@code filter/escaping}). */
public final class Escaping {
    private Escaping() {
    }

    /**
     * Quotes and escapes a value when it holds blanks, quotes or backslashes, as {@code as_string}
     * prints it, and also when it is empty or holds a character that ends a bare value
     * ({@code ( ) , =}): the printed condition must parse back to the same value.
     */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b' -> { quote = true; sb.append("\\b"); }
                case '\f' -> { quote = true; sb.append("\\f"); }
                case '\n' -> { quote = true; sb.append("\\n"); }
                case '\r' -> { quote = true; sb.append("\\r"); }
                case '\t' -> { quote = true; sb.append("\\t"); }
                case ' ', '\'', '(', ')', ',', '=', '\u000B' -> { quote = true; sb.append(c); }
                case '\\' -> { quote = true; sb.append("\\\\"); }
                case '"' -> { quote = true; sb.append("\\\""); }
                default -> sb.append(c);
            }
        }
        return quote ? "\"" + sb + "\"" : sb.toString();
    }

    /** Unescapes a quoted token including its delimiters; throws on an escape Falco does not know. */
    static String unescape(String quoted) {
        char delimiter = quoted.charAt(0);
        StringBuilder sb = new StringBuilder(quoted.length());
        boolean escaped = false;
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (!escaped) {
                if (c == '\\') {
                    escaped = true;
                } else {
                    sb.append(c);
                }
                continue;
            }
            switch (c) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                // "\ " is accepted as a backslash for rules written before escaping was strict.
                case ' ', '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case '"' -> {
                    if (delimiter != '"') {
                        throw new ParseException("invalid \\\" escape in '-quoted string", i);
                    }
                    sb.append('"');
                }
                case '\'' -> {
                    if (delimiter != '\'') {
                        throw new ParseException("invalid \\' escape in \"-quoted string", i);
                    }
                    sb.append('\'');
                }
                case 'x' -> {
                    if (i + 2 >= quoted.length() - 1 + 1 || !isHex(quoted, i + 1) || !isHex(quoted, i + 2)) {
                        throw new ParseException("invalid \\x escape: expected two hex digits", i);
                    }
                    sb.append((char) Integer.parseInt(quoted.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new ParseException("unsupported string escape sequence: \\" + c, i);
            }
            escaped = false;
        }
        return sb.toString();
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() - 1 && Character.digit(s.charAt(i), 16) >= 0;
    }
}
