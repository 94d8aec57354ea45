package dev.peregrine.rules.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Falco condition into an {@link Ast}, following the lexing rules of libs'
 * {@code filter/parser}: case-sensitive keywords, word operators followed by a blank, symbol
 * operators without, the whole input consumed, and a recursion depth limit.
 */
public final class Parser {
    private static final Pattern NOT_BLANK = Pattern.compile("not[ \\t\\n\\r\\f\\x0B]+");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z]+[a-zA-Z0-9_]*");
    private static final Pattern FIELD_NAME = Pattern.compile("[a-zA-Z]+[a-zA-Z0-9_]*(\\.[a-zA-Z]+[a-zA-Z0-9_]*)+");
    private static final Pattern FIELD_ARG_BARE = Pattern.compile("[^\\]\\[\"'\\s]+");
    private static final Pattern HEX_NUM = Pattern.compile("0[xX][0-9a-zA-Z]+");
    private static final Pattern NUMBER = Pattern.compile("[+\\-]?[0-9]+\\.?[0-9]*([eE][+\\-][0-9]+)?");
    private static final Pattern BARE_STR = Pattern.compile("[^()\"'\\s=,]+");

    private static final List<String> UNARY_OPS = List.of("exists");
    private static final List<String> NUM_OPS = List.of("<=", "<", ">=", ">");
    private static final List<String> STR_OPS = List.of("==", "=", "!=", "glob ", "iglob ", "contains ", "icontains ",
            "bcontains ", "startswith ", "bstartswith ", "endswith ", "regex ");
    private static final List<String> LIST_OPS = List.of("intersects", "in", "pmatch");
    private static final List<String> TRANSFORMERS = List.of("tolower(", "toupper(", "b64(", "basename(", "len(");
    private static final String VAL = "val(";

    /** Falco's rule loader parses conditions with this depth limit. */
    public static final int LOADER_MAX_DEPTH = 1000;

    private final String input;
    private final int maxDepth;
    private int idx;
    private int depth;
    private String lastToken = "";

    private Parser(String input, int maxDepth) {
        this.input = input;
        this.maxDepth = maxDepth;
    }

    public static Ast parse(String condition) {
        return parse(condition, LOADER_MAX_DEPTH);
    }

    public static Ast parse(String condition, int maxDepth) {
        if (condition.isEmpty()) {
            throw new ParseException("filter input string is empty", 0);
        }
        Parser p = new Parser(condition, maxDepth);
        Ast result = p.parseOr();
        if (p.idx != p.input.length()) {
            throw new ParseException("unexpected token after '" + p.lastToken + "', expecting 'or', 'and'", p.idx);
        }
        return result;
    }

    /** Parses a field or transformer at the start of {@code text}; used for {@code %field} in outputs. Null when none. */
    public static ParsedOperand parseOperandPrefix(String text) {
        Parser p = new Parser(text, LOADER_MAX_DEPTH);
        try {
            if (p.lexFieldName()) {
                Ast.Operand f = p.parseFieldRemainder(p.lastToken);
                return new ParsedOperand(f, p.idx);
            }
            if (p.lexAny(TRANSFORMERS)) {
                String name = p.lastToken.substring(0, p.lastToken.length() - 1);
                Ast.Operand t = p.parseTransformerRemainder(name);
                return new ParsedOperand(t, p.idx);
            }
        } catch (ParseException e) {
            return null;
        }
        return null;
    }

    /** An operand parsed from the start of a text and how many characters it took. */
    public record ParsedOperand(Ast.Operand operand, int length) {
    }

    private void enter() {
        if (++depth >= maxDepth) {
            throw new ParseException("exceeded max depth limit of " + maxDepth, idx);
        }
    }

    private Ast parseOr() {
        enter();
        int pos = idx;
        List<Ast> children = new ArrayList<>();
        lexBlank();
        children.add(parseAnd());
        lexBlank();
        while (lexStr("or")) {
            if (!lexBlank()) {
                if (lexStr("(")) {
                    children.add(parseEmbeddedRemainder());
                } else {
                    throw new ParseException("expected blank or '(' after 'or'", idx);
                }
            } else {
                children.add(parseAnd());
            }
            lexBlank();
        }
        depth--;
        return children.size() > 1 ? new Ast.Or(children, pos) : children.getFirst();
    }

    private Ast parseAnd() {
        enter();
        int pos = idx;
        List<Ast> children = new ArrayList<>();
        lexBlank();
        children.add(parseNot());
        lexBlank();
        while (lexStr("and")) {
            if (!lexBlank()) {
                if (lexStr("(")) {
                    children.add(parseEmbeddedRemainder());
                } else {
                    throw new ParseException("expected blank or '(' after 'and'", idx);
                }
            } else {
                children.add(parseNot());
            }
            lexBlank();
        }
        depth--;
        return children.size() > 1 ? new Ast.And(children, pos) : children.getFirst();
    }

    private Ast parseNot() {
        enter();
        int pos = idx;
        boolean not = false;
        lexBlank();
        while (lexRegex(NOT_BLANK)) {
            not = !not;
        }
        Ast child;
        if (lexStr("not(")) {
            not = !not;
            child = parseEmbeddedRemainder();
        } else {
            child = parseCheck();
        }
        depth--;
        return not ? new Ast.Not(child, pos) : child;
    }

    private Ast parseEmbeddedRemainder() {
        enter();
        lexBlank();
        Ast child = parseOr();
        lexBlank();
        if (!lexStr(")")) {
            throw new ParseException("expected a ')' token", idx);
        }
        depth--;
        return child;
    }

    private Ast parseCheck() {
        enter();
        lexBlank();
        int pos = idx;
        Ast result;
        if (lexStr("(")) {
            result = parseEmbeddedRemainder();
        } else if (lexFieldName()) {
            Ast.Operand left = parseFieldRemainder(lastToken);
            result = parseCondition(left, pos);
        } else if (lexAny(TRANSFORMERS)) {
            lexBlank();
            String name = lastToken.substring(0, lastToken.length() - 1);
            Ast.Operand left = parseTransformerRemainder(name);
            result = parseCondition(left, pos);
        } else if (lexRegex(IDENTIFIER)) {
            result = new Ast.Identifier(lastToken, pos);
        } else {
            throw new ParseException("expected a '(' token, a field check, or an identifier", idx);
        }
        depth--;
        return result;
    }

    private Ast.Operand parseFieldRemainder(String name) {
        enter();
        String arg = null;
        if (lexStr("[")) {
            if (!lexQuotedStr() && !lexRegex(FIELD_ARG_BARE)) {
                throw new ParseException("expected a valid field argument: a quoted string or a bare string", idx);
            }
            arg = lastToken;
            if (!lexStr("]")) {
                throw new ParseException("expected a ']' token", idx);
            }
        }
        depth--;
        return new Ast.Field(name, arg);
    }

    private Ast.Operand parseTransformerRemainder(String transformer) {
        enter();
        lexBlank();
        Ast.Operand child = null;
        if (lexAny(TRANSFORMERS)) {
            lexBlank();
            child = parseTransformerRemainder(lastToken.substring(0, lastToken.length() - 1));
        } else if (lexFieldName()) {
            child = parseFieldRemainder(lastToken);
        }
        if (child == null) {
            throw new ParseException("expected a field or a nested valid transformer: " + transformerNames(), idx);
        }
        lexBlank();
        if (!lexStr(")")) {
            throw new ParseException("expected a ')' token closing the transformer", idx);
        }
        depth--;
        return new Ast.Transformer(transformer, child);
    }

    private Ast parseCondition(Ast.Operand left, int pos) {
        enter();
        lexBlank();
        Ast result;
        if (lexAny(UNARY_OPS)) {
            result = new Ast.Check(left, lastToken.strip(), null, pos);
        } else {
            lexBlank();
            String op;
            Ast.Rhs right;
            if (lexAny(NUM_OPS)) {
                op = lastToken;
                right = parseNumValue();
            } else if (lexAny(STR_OPS)) {
                op = lastToken.strip();
                right = parseStrValue(false);
            } else if (lexAny(LIST_OPS)) {
                op = lastToken;
                right = parseListValue();
            } else {
                throw new ParseException("expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', "
                        + "'!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', "
                        + "'endswith', 'regex', 'intersects', 'in', 'pmatch'", idx);
            }
            result = new Ast.Check(left, op, right, pos);
        }
        depth--;
        return result;
    }

    private Ast.Rhs parseNumValue() {
        enter();
        lexBlank();
        Ast.Rhs result = tryTransformerOrVal();
        if (result == null) {
            if (lexRegex(HEX_NUM) || lexRegex(NUMBER)) {
                result = new Ast.Value(lastToken);
            } else {
                throw new ParseException("expected a number value or a field with a valid transformer: " + transformerNames(), idx);
            }
        }
        depth--;
        return result;
    }

    private Ast.Rhs parseStrValue(boolean noTransformer) {
        enter();
        lexBlank();
        Ast.Rhs result = noTransformer ? null : tryTransformerOrVal();
        if (result == null) {
            if (lexQuotedStr() || lexRegex(BARE_STR)) {
                result = new Ast.Value(lastToken);
            } else if (noTransformer) {
                throw new ParseException("expected a string value", idx);
            } else {
                throw new ParseException("expected a string value or a field with a valid transformer: " + transformerNames(), idx);
            }
        }
        depth--;
        return result;
    }

    private Ast.Rhs parseListValue() {
        enter();
        lexBlank();
        Ast.Rhs result;
        if (lexStr("(")) {
            List<String> values = new ArrayList<>();
            lexBlank();
            int mark = idx;
            Ast.Rhs first;
            try {
                first = parseStrValue(true);
            } catch (ParseException e) {
                first = null;
                idx = mark;
            }
            if (first != null) {
                values.add(((Ast.Value) first).value());
                lexBlank();
                while (lexStr(",")) {
                    values.add(((Ast.Value) parseStrValue(true)).value());
                    lexBlank();
                }
            }
            if (!lexStr(")")) {
                throw new ParseException("expected a ')' token", idx);
            }
            result = new Ast.ValueList(values);
        } else {
            result = tryTransformerOrVal();
            if (result == null) {
                if (lexRegex(IDENTIFIER)) {
                    result = new Ast.Value(lastToken);
                } else {
                    throw new ParseException("expected a list, an identifier, or a field with a valid transformer: " + transformerNames(), idx);
                }
            }
        }
        depth--;
        return result;
    }

    private Ast.Rhs tryTransformerOrVal() {
        enter();
        lexBlank();
        Ast.Rhs result = null;
        if (lexStr(VAL)) {
            lexBlank();
            if (!lexFieldName()) {
                throw new ParseException("expected a field within 'val' transformer", idx);
            }
            Ast.Operand child = parseFieldRemainder(lastToken);
            lexBlank();
            if (!lexStr(")")) {
                throw new ParseException("expected a ')' token closing the transformer", idx);
            }
            result = new Ast.OperandRhs(new Ast.Transformer("val", child));
        } else if (lexAny(TRANSFORMERS)) {
            lexBlank();
            result = new Ast.OperandRhs(parseTransformerRemainder(lastToken.substring(0, lastToken.length() - 1)));
        }
        depth--;
        return result;
    }

    private static String transformerNames() {
        return "'val', 'tolower', 'toupper', 'b64', 'basename', 'len'";
    }

    // ---- lexing ----

    private boolean lexBlank() {
        boolean found = false;
        while (idx < input.length()) {
            char c = input.charAt(idx);
            if (c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n') {
                idx++;
                found = true;
            } else {
                break;
            }
        }
        return found;
    }

    private boolean lexStr(String s) {
        if (input.startsWith(s, idx)) {
            idx += s.length();
            lastToken = s;
            return true;
        }
        return false;
    }

    private boolean lexAny(List<String> options) {
        for (String s : options) {
            if (lexStr(s)) {
                return true;
            }
        }
        return false;
    }

    private boolean lexRegex(Pattern p) {
        Matcher m = p.matcher(input);
        m.region(idx, input.length());
        if (m.lookingAt()) {
            lastToken = m.group();
            idx = m.end();
            return true;
        }
        return false;
    }

    private boolean lexFieldName() {
        return lexRegex(FIELD_NAME);
    }

    private boolean lexQuotedStr() {
        if (idx >= input.length()) {
            return false;
        }
        char delimiter = input.charAt(idx);
        if (delimiter != '\'' && delimiter != '"') {
            return false;
        }
        // A backslash escapes the one character after it, so "\\" ends at its second quote
        // (the printer writes a backslash that way and the text must parse back).
        boolean escaped = false;
        int i = idx + 1;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (escaped) {
                escaped = false;
                i++;
                continue;
            }
            if (c == '\\') {
                escaped = true;
                i++;
                continue;
            }
            if (c == delimiter) {
                String raw = input.substring(idx, i + 1);
                try {
                    lastToken = Escaping.unescape(raw);
                } catch (ParseException e) {
                    throw new ParseException(e.getMessage(), idx + e.offset());
                }
                idx = i + 1;
                return true;
            }
            i++;
        }
        return false;
    }
}
