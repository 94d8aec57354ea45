package dev.peregrine.agent.policy;

import dev.peregrine.rules.Rule;
import dev.peregrine.rules.condition.Ast;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Whether a rule could match a directory open: an {@code openat} whose flags hold
 * {@code O_DIRECTORY}, which capture reports with {@code fd.type = directory} and
 * {@code fd.typechar = d}. When no running rule can, capture's pre-filter lets such opens run
 * without a stop ({@code find}, {@code ls -R} make one per directory).
 *
 * <p>The analysis is conservative: a check is known only when it reads {@code evt.type},
 * {@code fd.type} or {@code fd.typechar} with {@code = == != in} against literal values;
 * anything else (transformers, other fields, macros left unresolved, a rule without its
 * condition tree) may be true or false, and a rule that may match keeps the stop.
 */
public final class DirectoryOpens {
    private static final String TYPE = "openat";

    private DirectoryOpens() {
    }

    /** True when some rule in {@code rules} could match a directory {@code openat}. */
    public static boolean anyMayMatch(Collection<Rule> rules) {
        for (Rule r : rules) {
            if (mayMatch(r)) {
                return true;
            }
        }
        return false;
    }

    /** True unless {@code rule} can be shown never to match a directory {@code openat}. */
    public static boolean mayMatch(Rule rule) {
        if (!rule.eventTypes().contains(TYPE)) {
            return false;
        }
        return rule.resolved() == null || truth(rule.resolved()) != Truth.FALSE;
    }

    enum Truth {
        TRUE, FALSE, UNKNOWN;

        Truth not() {
            return this == TRUE ? FALSE : this == FALSE ? TRUE : UNKNOWN;
        }
    }

    static Truth truth(Ast ast) {
        return switch (ast) {
            case Ast.And and -> {
                Truth t = Truth.TRUE;
                for (Ast c : and.children()) {
                    Truth ct = truth(c);
                    if (ct == Truth.FALSE) {
                        yield Truth.FALSE;
                    }
                    if (ct == Truth.UNKNOWN) {
                        t = Truth.UNKNOWN;
                    }
                }
                yield t;
            }
            case Ast.Or or -> {
                Truth t = Truth.FALSE;
                for (Ast c : or.children()) {
                    Truth ct = truth(c);
                    if (ct == Truth.TRUE) {
                        yield Truth.TRUE;
                    }
                    if (ct == Truth.UNKNOWN) {
                        t = Truth.UNKNOWN;
                    }
                }
                yield t;
            }
            case Ast.Not not -> truth(not.child()).not();
            case Ast.Identifier id -> Truth.UNKNOWN;
            case Ast.Check c -> check(c);
        };
    }

    /** The value a directory openat has for a field this analysis knows, else null. */
    private static String known(String field) {
        return switch (field) {
            case "evt.type" -> TYPE;
            case "fd.type" -> "directory";
            case "fd.typechar" -> "d";
            default -> null;
        };
    }

    private static Truth check(Ast.Check c) {
        if (!(c.left() instanceof Ast.Field f) || f.arg() != null) {
            return Truth.UNKNOWN;
        }
        String actual = known(f.name());
        if (actual == null) {
            return Truth.UNKNOWN;
        }
        List<String> values = switch (c.right()) {
            case Ast.Value v -> List.of(v.value());
            case Ast.ValueList l -> l.values();
            case null, default -> null;
        };
        if (values == null) {
            return Truth.UNKNOWN;
        }
        boolean member = Set.copyOf(values).contains(actual);
        return switch (c.op()) {
            case "=", "==" -> values.size() == 1 ? (member ? Truth.TRUE : Truth.FALSE) : Truth.UNKNOWN;
            case "!=" -> values.size() == 1 ? (member ? Truth.FALSE : Truth.TRUE) : Truth.UNKNOWN;
            case "in" -> member ? Truth.TRUE : Truth.FALSE;
            default -> Truth.UNKNOWN;
        };
    }
}
