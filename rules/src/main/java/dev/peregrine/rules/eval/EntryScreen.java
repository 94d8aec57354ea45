package dev.peregrine.rules.eval;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.event.Event;
import dev.peregrine.rules.field.FieldDef;
import dev.peregrine.rules.field.FieldTable;

/**
 * A rule condition evaluated at a call's entry in three-valued (Kleene) logic: checks of
 * fields the entry already decides are evaluated, checks of fields only the exit decides are
 * unknown, and {@code and}/{@code or}/{@code not} combine the three values. {@link #mayMatch}
 * answers false only when the condition is false whatever the unknown checks turn out to be, so
 * a tracer may skip the call's exit stop without missing a match: the condition evaluated on the
 * exit event (with any result, or none) is false too.
 */
public final class EntryScreen {
    private enum Tri { FALSE, TRUE, UNKNOWN }

    private sealed interface Node {
        Tri eval(Event e, boolean descriptorKnown);
    }

    private record Known(Filter filter, boolean descriptor) implements Node {
        @Override
        public Tri eval(Event e, boolean descriptorKnown) {
            if (descriptor && !descriptorKnown) {
                return Tri.UNKNOWN;
            }
            return filter.test(e) ? Tri.TRUE : Tri.FALSE;
        }
    }

    private record Unknown() implements Node {
        @Override
        public Tri eval(Event e, boolean descriptorKnown) {
            return Tri.UNKNOWN;
        }
    }

    private record Not(Node child) implements Node {
        @Override
        public Tri eval(Event e, boolean descriptorKnown) {
            return switch (child.eval(e, descriptorKnown)) {
                case TRUE -> Tri.FALSE;
                case FALSE -> Tri.TRUE;
                case UNKNOWN -> Tri.UNKNOWN;
            };
        }
    }

    /**
     * {@code and} (absorbed by false, true when empty) or {@code or} (absorbed by true, false when
     * empty): any unknown child leaves the result unknown unless an absorbing child decides it.
     */
    private record Junction(Node[] children, Tri absorbing, Tri neutral) implements Node {
        @Override
        public Tri eval(Event e, boolean descriptorKnown) {
            Tri out = neutral;
            for (Node c : children) {
                Tri t = c.eval(e, descriptorKnown);
                if (t == absorbing) {
                    return absorbing;
                }
                if (t == Tri.UNKNOWN) {
                    out = Tri.UNKNOWN;
                }
            }
            return out;
        }
    }

    private static final EntryScreen ALWAYS = new EntryScreen(new Unknown());

    private final Node root;

    private EntryScreen(Node root) {
        this.root = root;
    }

    /** The screen of a macro-free condition tree; null (a rule without one) screens nothing out. */
    public static EntryScreen of(Ast resolved) {
        return resolved == null ? ALWAYS : new EntryScreen(node(resolved));
    }

    /**
     * Whether the condition could hold on this call's exit event, given {@code entry}: the call
     * before it runs. {@code descriptorKnown} says whether {@code entry.fd()} is the descriptor
     * the exit event will name (an open naming its path); otherwise {@code fd.*} checks are unknown.
     */
    public boolean mayMatch(Event entry, boolean descriptorKnown) {
        return root.eval(entry, descriptorKnown) != Tri.FALSE;
    }

    private static Node node(Ast ast) {
        return switch (ast) {
            case Ast.And a -> new Junction(nodes(a.children()), Tri.FALSE, Tri.TRUE);
            case Ast.Or o -> new Junction(nodes(o.children()), Tri.TRUE, Tri.FALSE);
            case Ast.Not n -> new Not(node(n.child()));
            case Ast.Identifier id -> new Unknown();
            case Ast.Check c -> check(c);
        };
    }

    private static Node[] nodes(java.util.List<Ast> children) {
        return children.stream().map(EntryScreen::node).toArray(Node[]::new);
    }

    private static Node check(Ast.Check c) {
        FieldDef.Phase phase = phase(c.left());
        if (c.right() instanceof Ast.OperandRhs rhs) {
            phase = later(phase, phase(rhs.operand()));
        }
        return switch (phase) {
            case RESULT -> new Unknown();
            case DESCRIPTOR -> new Known(Compiler.compile(c), true);
            case ENTRY -> new Known(Compiler.compile(c), false);
        };
    }

    private static FieldDef.Phase phase(Ast.Operand operand) {
        return switch (operand) {
            case Ast.Field f -> FieldTable.bind(f.name(), f.arg()).phase();
            case Ast.Transformer t -> phase(t.child());
        };
    }

    private static FieldDef.Phase later(FieldDef.Phase a, FieldDef.Phase b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
