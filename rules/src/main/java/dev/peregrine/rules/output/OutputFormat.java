package dev.peregrine.rules.output;

import dev.peregrine.rules.condition.Parser;
import dev.peregrine.rules.eval.CompileException;
import dev.peregrine.rules.eval.Compiler;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.field.Extractor;
import dev.peregrine.rules.field.FieldException;
import dev.peregrine.rules.field.FieldType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.peregrine.rules.field.Extractor.MISSING;

/**
 * A compiled rule output: literal text and {@code %field} references (with optional
 * {@code %N} width). A field token is the longest prefix after {@code %} that names a field;
 * missing values print as {@code <NA>} in text and are {@code null} in output fields.
 */
public final class OutputFormat {
    public static final String NOT_AVAILABLE = "<NA>";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_S = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

    private sealed interface Part permits Literal, FieldRef {
    }

    private record Literal(String text) implements Part {
    }

    private record FieldRef(String token, Compiler.Operand operand, int width) implements Part {
    }

    private final String format;
    private final List<Part> parts;

    private OutputFormat(String format, List<Part> parts) {
        this.format = format;
        this.parts = parts;
    }

    public String format() {
        return format;
    }

    /** The field tokens in order of appearance, as written ({@code proc.aname[2]}). */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        for (Part p : parts) {
            if (p instanceof FieldRef f && !names.contains(f.token())) {
                names.add(f.token());
            }
        }
        return names;
    }

    /** Compiles a format; throws {@link CompileException} with the offset of a bad token. */
    public static OutputFormat compile(String format) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        // A leading '*' asks for output even when values are missing, which is how Falco always prints.
        if (format.startsWith("*")) {
            i = 1;
        }
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            int start = i;
            i++;
            int width = 0;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                width = width * 10 + (format.charAt(i) - '0');
                i++;
            }
            String rest = format.substring(i);
            Parser.ParsedOperand parsed = Parser.parseOperandPrefix(rest);
            if (parsed == null) {
                throw new CompileException("invalid formatting token " + format.substring(start, Math.min(format.length(), start + 20)).strip()
                        + ": expected a field after '%'", start);
            }
            Compiler.Operand operand = null;
            int length = parsed.length();
            FieldException firstError = null;
            // Take the longest prefix that is a field (so "%proc.name_x" is proc.name followed by "_x" only if proc.name_x is not a field).
            while (length > 0) {
                Parser.ParsedOperand candidate = Parser.parseOperandPrefix(rest.substring(0, length));
                if (candidate != null && candidate.length() == length) {
                    try {
                        operand = Compiler.bind(candidate.operand());
                        break;
                    } catch (FieldException e) {
                        if (firstError == null) {
                            firstError = e;
                        }
                    }
                }
                length--;
            }
            if (operand == null) {
                throw new CompileException("invalid formatting token %" + rest.substring(0, parsed.length()) + ": "
                        + (firstError == null ? "not a field" : firstError.getMessage()), start);
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(new FieldRef(rest.substring(0, length), operand, width));
            i += length;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new OutputFormat(format, List.copyOf(parts));
    }

    /** The message with every field rendered ({@code <NA>} when missing). */
    public String render(Event e) {
        StringBuilder sb = new StringBuilder(format.length() + 64);
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case FieldRef f -> {
                    String v = text(f.operand(), f.token(), e);
                    if (v == null) {
                        v = NOT_AVAILABLE;
                    }
                    if (f.width() > 0) {
                        if (v.length() > f.width()) {
                            v = v.substring(0, f.width());
                        } else {
                            v = v + " ".repeat(f.width() - v.length());
                        }
                    }
                    sb.append(v);
                }
            }
        }
        return sb.toString();
    }

    /** Typed values by token: Long for numbers, Boolean, String, or null when missing. */
    public Map<String, Object> fields(Event e) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Part p : parts) {
            if (p instanceof FieldRef f && !out.containsKey(f.token())) {
                out.put(f.token(), typed(f.operand(), e));
            }
        }
        return out;
    }

    /** Renders one field value as text as Falco prints it; null when missing. */
    public static String text(Compiler.Operand o, String token, Event e) {
        FieldType type = o.type();
        return switch (o.extractor()) {
            case Extractor.Str s -> s.get(e);
            case Extractor.Num n -> {
                long v = n.get(e);
                if (v == MISSING) {
                    yield null;
                }
                if (type == FieldType.BOOL) {
                    yield v != 0 ? "true" : "false";
                }
                yield switch (token) {
                    case "evt.time" -> TIME.format(instant(v));
                    case "evt.time.s" -> TIME_S.format(instant(v));
                    case "evt.time.iso8601" -> ISO.format(instant(v));
                    case "evt.datetime" -> DATETIME.format(instant(v));
                    default -> Long.toString(v);
                };
            }
            case Extractor.AnyStr a -> {
                List<String> v = a.get(e);
                yield v == null || v.isEmpty() ? null : String.join(" ", v);
            }
            case Extractor.AnyNum a -> {
                long[] v = a.get(e);
                if (v == null || v.length == 0) {
                    yield null;
                }
                StringBuilder sb = new StringBuilder();
                for (long x : v) {
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(x);
                }
                yield sb.toString();
            }
            case Extractor.Bytes b -> {
                byte[] v = b.get(e);
                yield v == null ? null : printable(v);
            }
            case Extractor.Raw r -> {
                Object v = r.get(e);
                yield v == null ? null : v instanceof byte[] bytes ? printable(bytes) : v.toString();
            }
        };
    }

    private static Object typed(Compiler.Operand o, Event e) {
        if (o.extractor() instanceof Extractor.Num n) {
            long v = n.get(e);
            if (v == MISSING) {
                return null;
            }
            return o.type() == FieldType.BOOL ? Boolean.valueOf(v != 0) : Long.valueOf(v);
        }
        if (o.extractor() instanceof Extractor.Raw r && r.get(e) instanceof Long l) {
            return l;
        }
        return text(o, "", e);
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String printable(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '.' : c);
        }
        return sb.toString();
    }
}
