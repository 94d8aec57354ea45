package dev.peregrine.rules.eval;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.condition.Operator;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.field.Extractor;
import dev.peregrine.rules.field.FieldException;
import dev.peregrine.rules.field.FieldTable;
import dev.peregrine.rules.field.FieldType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static dev.peregrine.rules.field.Extractor.MISSING;

/**
 * Compiles a macro-free condition tree into a {@link Filter} made of composed lambdas: every
 * value is parsed, every set and regex built, once; per event only extraction and comparison
 * run. A missing value makes every comparison false (so {@code not} of it is true).
 */
public final class Compiler {
    private Compiler() {
    }

    /** An operand bound to the field table: its extractor, type and name. */
    public record Operand(Extractor extractor, FieldType type, String name) {
    }

    /**
     * How conditions become code: {@code bytecode} (default) generates one hidden class per rule
     * ({@link BytecodeFilter}); {@code lambdas} composes lambdas only. Chosen by measurement
     * (bench: RulesCpuTime); the system property {@code peregrine.rules.compiler} selects one.
     */
    public static final boolean BYTECODE = !"lambdas".equals(System.getProperty("peregrine.rules.compiler"));

    /** Compiles a whole rule condition, as bytecode when enabled (falling back to lambdas if generation fails). */
    public static Filter compileCondition(Ast ast) {
        Filter lambdas = compile(ast);
        if (!BYTECODE || ast instanceof Ast.Check) {
            return lambdas;
        }
        try {
            return BytecodeFilter.generate(ast);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return lambdas;
        }
    }

    public static Filter compile(Ast ast) {
        return switch (ast) {
            case Ast.And a -> and(a.children().stream().map(Compiler::compile).toArray(Filter[]::new));
            case Ast.Or o -> or(o.children().stream().map(Compiler::compile).toArray(Filter[]::new));
            case Ast.Not n -> not(compile(n.child()));
            case Ast.Identifier id -> throw new CompileException("Undefined macro '" + id.name() + "' used in filter.", id.pos());
            case Ast.Check c -> compileCheck(c);
        };
    }

    private static Filter not(Filter f) {
        return e -> !f.test(e);
    }

    private static Filter and(Filter[] fs) {
        if (fs.length == 2) {
            Filter a = fs[0];
            Filter b = fs[1];
            return e -> a.test(e) && b.test(e);
        }
        return e -> {
            for (Filter f : fs) {
                if (!f.test(e)) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Filter or(Filter[] fs) {
        if (fs.length == 2) {
            Filter a = fs[0];
            Filter b = fs[1];
            return e -> a.test(e) || b.test(e);
        }
        return e -> {
            for (Filter f : fs) {
                if (f.test(e)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Binds a field or transformer to the field table. */
    public static Operand bind(Ast.Operand operand) {
        return switch (operand) {
            case Ast.Field f -> {
                FieldTable.Bound b = FieldTable.bind(f.name(), f.arg());
                yield new Operand(b.extractor(), b.type(), f.fullName());
            }
            case Ast.Transformer t -> transform(t.name(), bind(t.child()));
        };
    }

    private static Operand transform(String name, Operand in) {
        String label = name + "(" + in.name() + ")";
        if (name.equals("val")) {
            return new Operand(in.extractor(), in.type(), in.name());
        }
        if (name.equals("len")) {
            return switch (in.extractor()) {
                case Extractor.Str s -> new Operand((Extractor.Num) e -> {
                    String v = s.get(e);
                    return v == null ? MISSING : v.length();
                }, FieldType.UINT64, label);
                case Extractor.AnyStr s -> new Operand((Extractor.Num) e -> {
                    List<String> v = s.get(e);
                    return v == null ? MISSING : v.size();
                }, FieldType.UINT64, label);
                case Extractor.Bytes s -> new Operand((Extractor.Num) e -> {
                    byte[] v = s.get(e);
                    return v == null ? MISSING : v.length;
                }, FieldType.UINT64, label);
                default -> throw new FieldException("transformer 'len' is not supported by field '" + in.name() + "' of type " + in.type());
            };
        }
        java.util.function.UnaryOperator<String> fn = switch (name) {
            case "tolower" -> Compiler::asciiLower;
            case "toupper" -> Compiler::asciiUpper;
            case "b64" -> s -> {
                try {
                    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            };
            case "basename" -> s -> {
                int slash = s.lastIndexOf('/');
                return slash < 0 ? s : s.substring(slash + 1);
            };
            default -> throw new FieldException("unknown transformer '" + name + "'");
        };
        if (in.type() != FieldType.CHARBUF && in.type() != FieldType.DYNAMIC) {
            throw new FieldException("transformer '" + name + "' is not supported by field '" + in.name() + "' of type " + in.type());
        }
        return switch (in.extractor()) {
            case Extractor.Str s -> new Operand((Extractor.Str) e -> {
                String v = s.get(e);
                return v == null ? null : fn.apply(v);
            }, FieldType.CHARBUF, label);
            case Extractor.AnyStr s -> new Operand((Extractor.AnyStr) e -> {
                List<String> v = s.get(e);
                if (v == null) {
                    return null;
                }
                List<String> out = new ArrayList<>(v.size());
                for (String x : v) {
                    String y = fn.apply(x);
                    if (y != null) {
                        out.add(y);
                    }
                }
                return out;
            }, FieldType.CHARBUF, label);
            default -> throw new FieldException("transformer '" + name + "' is not supported by field '" + in.name() + "'");
        };
    }

    /**
     * libs' compiler warnings for constant values that look like fields or transformers
     * ({@code proc.name = proc.pname} compares with the text "proc.pname", which is rarely meant).
     */
    public static List<String> misusedFieldWarnings(Ast ast) {
        List<String> out = new ArrayList<>();
        collectMisused(ast, out);
        return out;
    }

    private static void collectMisused(Ast ast, List<String> out) {
        switch (ast) {
            case Ast.And a -> a.children().forEach(c -> collectMisused(c, out));
            case Ast.Or o -> o.children().forEach(c -> collectMisused(c, out));
            case Ast.Not n -> collectMisused(n.child(), out);
            case Ast.Identifier id -> { }
            case Ast.Check c -> {
                List<String> values = switch (c.right()) {
                    case Ast.Value v -> List.of(v.value());
                    case Ast.ValueList l -> l.values();
                    case null, default -> List.of();
                };
                for (String v : values) {
                    String text = v.strip();
                    dev.peregrine.rules.condition.Parser.ParsedOperand p = dev.peregrine.rules.condition.Parser.parseOperandPrefix(text);
                    if (p == null || p.length() != text.length()) {
                        continue;
                    }
                    try {
                        bind(p.operand());
                    } catch (FieldException e) {
                        continue;
                    }
                    out.add("'" + v + "' may be a valid field" + (p.operand() instanceof Ast.Transformer ? " transformer" : "")
                            + " misused as a const string value");
                }
            }
        }
    }

    /** Whether {@code text} is a field or transformer expression the table can bind (exception {@code fields}). */
    public static boolean isOperand(String text) {
        String t = text.strip();
        dev.peregrine.rules.condition.Parser.ParsedOperand p = dev.peregrine.rules.condition.Parser.parseOperandPrefix(t);
        if (p == null || p.length() != t.length()) {
            return false;
        }
        try {
            bind(p.operand());
            return true;
        } catch (FieldException e) {
            return false;
        }
    }

    static String asciiLower(String s) {
        char[] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'A' && ch <= 'Z') {
                if (c == null) {
                    c = s.toCharArray();
                }
                c[i] = (char) (ch + 32);
            }
        }
        return c == null ? s : new String(c);
    }

    static String asciiUpper(String s) {
        char[] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'a' && ch <= 'z') {
                if (c == null) {
                    c = s.toCharArray();
                }
                c[i] = (char) (ch - 32);
            }
        }
        return c == null ? s : new String(c);
    }

    private static Filter compileCheck(Ast.Check c) {
        Operator op = Operator.of(c.op()).orElseThrow(() -> new CompileException("unknown operator '" + c.op() + "'", c.pos()));
        Operand left;
        try {
            left = bind(c.left());
        } catch (FieldException e) {
            throw new CompileException(e.getMessage(), c.pos());
        }
        try {
            if (op == Operator.EXISTS) {
                return exists(left.extractor());
            }
            if (c.right() instanceof Ast.OperandRhs rhs) {
                Operand right = bind(rhs.operand());
                return compareFields(op, left, right);
            }
            List<String> values = switch (c.right()) {
                case Ast.Value v -> List.of(v.value());
                case Ast.ValueList l -> l.values();
                default -> throw new IllegalStateException();
            };
            if (!op.takesList() && values.size() != 1) {
                throw new CompileException("operator '" + op.text() + "' takes a single value", c.pos());
            }
            return compareConstant(op, left, values);
        } catch (FieldException e) {
            throw new CompileException(e.getMessage(), c.pos());
        } catch (CompileException e) {
            throw e.offset() >= 0 ? e : new CompileException(e.getMessage(), c.pos());
        }
    }

    private static CompileException badOp(Operator op, Operand left) {
        return new CompileException("operator '" + op.text() + "' is not supported by field '" + left.name()
                + "' of type " + left.type(), -1);
    }

    private static Filter exists(Extractor x) {
        return switch (x) {
            case Extractor.Str s -> e -> s.get(e) != null;
            case Extractor.Num n -> e -> n.get(e) != MISSING;
            case Extractor.AnyStr a -> e -> {
                List<String> v = a.get(e);
                return v != null && !v.isEmpty();
            };
            case Extractor.AnyNum a -> e -> {
                long[] v = a.get(e);
                return v != null && v.length > 0;
            };
            case Extractor.Bytes b -> e -> b.get(e) != null;
            case Extractor.Raw r -> e -> r.get(e) != null;
        };
    }

    private static Filter compareConstant(Operator op, Operand left, List<String> values) {
        FieldType type = left.type();
        return switch (left.extractor()) {
            case Extractor.Str s -> {
                Predicate<String> p = stringPredicate(op, type, values, left);
                yield e -> {
                    String v = s.get(e);
                    return v != null && p.test(v);
                };
            }
            case Extractor.AnyStr a -> {
                Predicate<String> p = stringPredicate(op, type, values, left);
                yield e -> {
                    List<String> vs = a.get(e);
                    if (vs == null) {
                        return false;
                    }
                    for (String v : vs) {
                        if (p.test(v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case Extractor.Num n -> {
                LongPredicate p = numberPredicate(op, type, values, left);
                yield e -> {
                    long v = n.get(e);
                    return v != MISSING && p.test(v);
                };
            }
            case Extractor.AnyNum a -> {
                LongPredicate p = numberPredicate(op, type, values, left);
                yield e -> {
                    long[] vs = a.get(e);
                    if (vs == null) {
                        return false;
                    }
                    for (long v : vs) {
                        if (v != MISSING && p.test(v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case Extractor.Bytes b -> {
                Predicate<byte[]> p = bytesPredicate(op, values, left);
                yield e -> {
                    byte[] v = b.get(e);
                    return v != null && p.test(v);
                };
            }
            case Extractor.Raw r -> {
                Predicate<String> sp = stringPredicate(op, FieldType.CHARBUF, values, left);
                LongPredicate np = allNumbers(values) && !stringOnly(op) ? numberPredicate(op, FieldType.INT64, values, left) : null;
                yield e -> {
                    Object v = r.get(e);
                    if (v == null) {
                        return false;
                    }
                    if (v instanceof Long l && np != null) {
                        return np.test(l);
                    }
                    if (v instanceof byte[] bytes) {
                        return sp.test(new String(bytes, StandardCharsets.UTF_8));
                    }
                    return sp.test(v.toString());
                };
            }
        };
    }

    private static boolean stringOnly(Operator op) {
        return switch (op) {
            case CONTAINS, ICONTAINS, STARTSWITH, ENDSWITH, GLOB, IGLOB, REGEX, PMATCH, BCONTAINS, BSTARTSWITH -> true;
            default -> false;
        };
    }

    private static boolean allNumbers(List<String> values) {
        for (String v : values) {
            if (parseNumber(v) == null) {
                return false;
            }
        }
        return true;
    }

    private static Predicate<String> stringPredicate(Operator op, FieldType type, List<String> values, Operand left) {
        if (type == FieldType.IPADDR) {
            return ipPredicate(op, values, left);
        }
        if (type == FieldType.IPNET) {
            return netPredicate(op, values, left);
        }
        if (values.isEmpty()) {
            return s -> false;
        }
        String v = values.getFirst();
        return switch (op) {
            case EQ, EQEQ -> v::equals;
            case NE -> s -> !s.equals(v);
            case LT -> s -> s.compareTo(v) < 0;
            case LE -> s -> s.compareTo(v) <= 0;
            case GT -> s -> s.compareTo(v) > 0;
            case GE -> s -> s.compareTo(v) >= 0;
            case CONTAINS -> s -> s.contains(v);
            case ICONTAINS -> {
                String needle = asciiLower(v);
                yield s -> containsIgnoreCase(s, needle);
            }
            case STARTSWITH -> s -> s.startsWith(v);
            case ENDSWITH -> s -> s.endsWith(v);
            case GLOB -> s -> dev.peregrine.rules.field.Glob.matches(v, s, false);
            case IGLOB -> s -> dev.peregrine.rules.field.Glob.matches(v, s, true);
            case REGEX -> {
                Pattern p;
                try {
                    p = Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    throw new CompileException("invalid regular expression '" + v + "': " + e.getDescription(), -1);
                }
                yield s -> p.matcher(s).matches();
            }
            case IN, INTERSECTS -> {
                if (values.size() == 1) {
                    yield v::equals;
                }
                Set<String> set = new HashSet<>(values);
                yield set::contains;
            }
            case PMATCH -> {
                PathPrefixes prefixes = new PathPrefixes(values);
                yield prefixes::matches;
            }
            case BCONTAINS, BSTARTSWITH -> {
                Predicate<byte[]> bp = bytesPredicate(op, values, left);
                yield s -> bp.test(s.getBytes(StandardCharsets.UTF_8));
            }
            case EXISTS -> throw new IllegalStateException();
        };
    }

    static boolean containsIgnoreCase(String haystack, String lowerNeedle) {
        int n = lowerNeedle.length();
        int last = haystack.length() - n;
        for (int i = 0; i <= last; i++) {
            if (haystack.regionMatches(true, i, lowerNeedle, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static Predicate<String> ipPredicate(Operator op, List<String> values, Operand left) {
        if (values.isEmpty()) {
            return s -> false;
        }
        List<byte[]> ips = new ArrayList<>();
        for (String v : values) {
            byte[] ip = Ip.parse(v);
            if (ip == null) {
                throw new CompileException("'" + v + "' is not a valid IP address for field '" + left.name() + "'", -1);
            }
            ips.add(ip);
        }
        return switch (op) {
            case EQ, EQEQ, IN, INTERSECTS -> s -> {
                byte[] ip = Ip.parse(s);
                for (byte[] x : ips) {
                    if (Ip.equal(ip, x)) {
                        return true;
                    }
                }
                return false;
            };
            case NE -> s -> {
                byte[] ip = Ip.parse(s);
                return ip != null && !Ip.equal(ip, ips.getFirst());
            };
            default -> throw badOp(op, left);
        };
    }

    private static Predicate<String> netPredicate(Operator op, List<String> values, Operand left) {
        if (values.isEmpty()) {
            return s -> false;
        }
        List<Ip.Net> nets = new ArrayList<>();
        for (String v : values) {
            Ip.Net net = Ip.parseNet(v);
            if (net == null) {
                throw new CompileException("'" + v + "' is not a valid network (address/prefix) for field '" + left.name() + "'", -1);
            }
            nets.add(net);
        }
        return switch (op) {
            case EQ, EQEQ, IN, INTERSECTS -> s -> {
                byte[] ip = Ip.parse(s);
                for (Ip.Net n : nets) {
                    if (n.contains(ip)) {
                        return true;
                    }
                }
                return false;
            };
            case NE -> s -> {
                byte[] ip = Ip.parse(s);
                return ip != null && !nets.getFirst().contains(ip);
            };
            default -> throw badOp(op, left);
        };
    }

    /** Parses a number as libs does for numeric fields: decimal (optionally signed) or 0x hex. */
    static Long parseNumber(String v) {
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return Long.parseUnsignedLong(v.substring(2), 16);
            }
            return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long[] numbers(FieldType type, List<String> values, Operand left) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            String v = values.get(i);
            Long n;
            if (type == FieldType.BOOL) {
                n = switch (v) {
                    case "true" -> 1L;
                    case "false" -> 0L;
                    default -> null;
                };
                if (n == null) {
                    throw new CompileException("'" + v + "' is not a valid boolean for field '" + left.name() + "': expected true or false", -1);
                }
            } else {
                n = parseNumber(v);
                if (n == null) {
                    throw new CompileException("'" + v + "' is not a valid number for field '" + left.name() + "' of type " + type, -1);
                }
            }
            out[i] = n;
        }
        return out;
    }

    private static LongPredicate numberPredicate(Operator op, FieldType type, List<String> values, Operand left) {
        if (type == FieldType.BOOL && op != Operator.EQ && op != Operator.EQEQ && op != Operator.NE
                && op != Operator.IN && op != Operator.INTERSECTS) {
            throw badOp(op, left);
        }
        if (values.isEmpty()) {
            return x -> false;
        }
        long[] ns = switch (op) {
            case EQ, EQEQ, NE, LT, LE, GT, GE, IN, INTERSECTS -> numbers(type, values, left);
            default -> throw badOp(op, left);
        };
        long v = ns[0];
        return switch (op) {
            case EQ, EQEQ -> x -> x == v;
            case NE -> x -> x != v;
            case LT -> x -> x < v;
            case LE -> x -> x <= v;
            case GT -> x -> x > v;
            case GE -> x -> x >= v;
            case IN, INTERSECTS -> {
                if (ns.length == 1) {
                    yield x -> x == v;
                }
                Set<Long> set = new HashSet<>();
                for (long n : ns) {
                    set.add(n);
                }
                yield set::contains;
            }
            default -> throw badOp(op, left);
        };
    }

    private static Predicate<byte[]> bytesPredicate(Operator op, List<String> values, Operand left) {
        if (values.isEmpty()) {
            return b -> false;
        }
        String v = values.getFirst();
        return switch (op) {
            case BCONTAINS, BSTARTSWITH -> {
                byte[] needle;
                try {
                    needle = HexFormat.of().parseHex(v);
                } catch (IllegalArgumentException e) {
                    throw new CompileException("'" + v + "' is not a valid hex string for operator '" + op.text() + "'", -1);
                }
                yield op == Operator.BSTARTSWITH ? b -> startsWith(b, needle) : b -> indexOf(b, needle) >= 0;
            }
            case CONTAINS -> {
                byte[] needle = v.getBytes(StandardCharsets.UTF_8);
                yield b -> indexOf(b, needle) >= 0;
            }
            case STARTSWITH -> {
                byte[] needle = v.getBytes(StandardCharsets.UTF_8);
                yield b -> startsWith(b, needle);
            }
            case EQ, EQEQ -> {
                byte[] needle = v.getBytes(StandardCharsets.UTF_8);
                yield b -> java.util.Arrays.equals(b, needle);
            }
            case NE -> {
                byte[] needle = v.getBytes(StandardCharsets.UTF_8);
                yield b -> !java.util.Arrays.equals(b, needle);
            }
            default -> throw badOp(op, left);
        };
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = 0; i <= b.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@code field op val(other)}: both sides extracted per event; numbers compare as numbers, the rest as text. */
    private static Filter compareFields(Operator op, Operand left, Operand right) {
        if (op.takesList() && op != Operator.IN && op != Operator.INTERSECTS) {
            throw badOp(op, left);
        }
        Operator scalarOp = op == Operator.IN || op == Operator.INTERSECTS ? Operator.EQ : op;
        if (left.extractor() instanceof Extractor.Num ln && right.extractor() instanceof Extractor.Num rn) {
            return e -> {
                long a = ln.get(e);
                long b = rn.get(e);
                if (a == MISSING || b == MISSING) {
                    return false;
                }
                return switch (scalarOp) {
                    case EQ, EQEQ -> a == b;
                    case NE -> a != b;
                    case LT -> a < b;
                    case LE -> a <= b;
                    case GT -> a > b;
                    case GE -> a >= b;
                    default -> false;
                };
            };
        }
        TextOf l = textOf(left);
        TextOf r = textOf(right);
        return e -> {
            String a = l.get(e);
            String b = r.get(e);
            if (a == null || b == null) {
                return false;
            }
            return switch (scalarOp) {
                case EQ, EQEQ -> a.equals(b);
                case NE -> !a.equals(b);
                case LT -> a.compareTo(b) < 0;
                case LE -> a.compareTo(b) <= 0;
                case GT -> a.compareTo(b) > 0;
                case GE -> a.compareTo(b) >= 0;
                case CONTAINS -> a.contains(b);
                case ICONTAINS -> containsIgnoreCase(a, asciiLower(b));
                case STARTSWITH -> a.startsWith(b);
                case ENDSWITH -> a.endsWith(b);
                case GLOB -> dev.peregrine.rules.field.Glob.matches(b, a, false);
                case IGLOB -> dev.peregrine.rules.field.Glob.matches(b, a, true);
                case REGEX -> a.matches(b);
                default -> false;
            };
        };
    }

    @FunctionalInterface
    private interface TextOf {
        String get(Event e);
    }

    private static TextOf textOf(Operand o) {
        return switch (o.extractor()) {
            case Extractor.Str s -> s::get;
            case Extractor.Num n -> e -> {
                long v = n.get(e);
                return v == MISSING ? null : Long.toString(v);
            };
            case Extractor.Raw r -> e -> {
                Object v = r.get(e);
                return v == null ? null : v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
            };
            default -> throw new CompileException("field '" + o.name() + "' cannot be compared with another field", -1);
        };
    }
}
