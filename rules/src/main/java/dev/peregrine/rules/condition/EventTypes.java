package dev.peregrine.rules.condition;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event types a condition can match, computed from its tree as libs does: {@code and}
 * intersects, {@code or} unites, negation is pushed to the leaves (De Morgan); checks that do
 * not constrain {@code evt.type} match every type; {@code evt.num = 0} matches none. A set is
 * either finite ({@code names}) or everything except {@code names} ({@code complement}).
 */
public record EventTypes(boolean complement, Set<String> names) {
    public static final EventTypes ALL = new EventTypes(true, Set.of());
    public static final EventTypes NONE = new EventTypes(false, Set.of());

    public EventTypes {
        names = Collections.unmodifiableSet(new TreeSet<>(names));
    }

    public static EventTypes of(Ast resolved) {
        return compute(resolved, false);
    }

    public boolean isAll() {
        return complement && names.isEmpty();
    }

    public boolean isEmpty() {
        return !complement && names.isEmpty();
    }

    public boolean contains(String type) {
        return complement != names.contains(type);
    }

    /** Names for a finite set; for "all except ..." the excluded names. */
    public List<String> sorted() {
        return List.copyOf(names);
    }

    public EventTypes intersect(EventTypes o) {
        if (!complement && !o.complement) {
            Set<String> s = new TreeSet<>(names);
            s.retainAll(o.names);
            return new EventTypes(false, s);
        }
        if (complement && o.complement) {
            Set<String> s = new TreeSet<>(names);
            s.addAll(o.names);
            return new EventTypes(true, s);
        }
        EventTypes finite = complement ? o : this;
        EventTypes co = complement ? this : o;
        Set<String> s = new TreeSet<>(finite.names);
        s.removeAll(co.names);
        return new EventTypes(false, s);
    }

    public EventTypes union(EventTypes o) {
        if (!complement && !o.complement) {
            Set<String> s = new TreeSet<>(names);
            s.addAll(o.names);
            return new EventTypes(false, s);
        }
        if (complement && o.complement) {
            Set<String> s = new TreeSet<>(names);
            s.retainAll(o.names);
            return new EventTypes(true, s);
        }
        EventTypes finite = complement ? o : this;
        EventTypes co = complement ? this : o;
        Set<String> s = new TreeSet<>(co.names);
        s.removeAll(finite.names);
        return new EventTypes(true, s);
    }

    public EventTypes negate() {
        return new EventTypes(!complement, names);
    }

    private static EventTypes compute(Ast ast, boolean negated) {
        return switch (ast) {
            case Ast.And a -> {
                EventTypes acc = null;
                for (Ast c : a.children()) {
                    EventTypes t = compute(c, negated);
                    acc = acc == null ? t : negated ? acc.union(t) : acc.intersect(t);
                }
                yield acc;
            }
            case Ast.Or o -> {
                EventTypes acc = null;
                for (Ast c : o.children()) {
                    EventTypes t = compute(c, negated);
                    acc = acc == null ? t : negated ? acc.intersect(t) : acc.union(t);
                }
                yield acc;
            }
            case Ast.Not n -> compute(n.child(), !negated);
            case Ast.Identifier id -> ALL;
            case Ast.Check c -> {
                EventTypes positive = checkTypes(c);
                if (positive == null) {
                    yield ALL;
                }
                yield negated ? positive.negate() : positive;
            }
        };
    }

    /** The types a check matches when true; null when it does not constrain the type. */
    private static EventTypes checkTypes(Ast.Check c) {
        if (!(c.left() instanceof Ast.Field f) || f.arg() != null) {
            return null;
        }
        if (f.name().equals("evt.type")) {
            List<String> values = switch (c.right()) {
                case Ast.Value v -> List.of(v.value());
                case Ast.ValueList l -> l.values();
                case null, default -> null;
            };
            if (values == null) {
                return null;
            }
            return switch (c.op()) {
                case "=", "==", "in", "intersects" -> new EventTypes(false, Set.copyOf(values));
                case "!=" -> new EventTypes(true, Set.copyOf(values));
                default -> null;
            };
        }
        if (f.name().equals("evt.num") && c.right() instanceof Ast.Value v && v.value().equals("0")
                && (c.op().equals("=") || c.op().equals("=="))) {
            // Event numbers start at 1: this check never holds.
            return NONE;
        }
        return null;
    }

    @Override
    public String toString() {
        if (isAll()) {
            return "all";
        }
        return complement ? "all except " + String.join(",", names) : String.join(",", names);
    }
}
