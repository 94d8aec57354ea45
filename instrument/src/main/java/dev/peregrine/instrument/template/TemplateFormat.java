package dev.peregrine.instrument.template;

/** How a template is written down. */
public enum TemplateFormat {
    JSON, YAML;

    /** JSON when the text starts with '{' (after blanks and a byte-order mark), else YAML. */
    public static TemplateFormat sniff(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                continue;
            }
            return c == '{' ? JSON : YAML;
        }
        return YAML;
    }

}
