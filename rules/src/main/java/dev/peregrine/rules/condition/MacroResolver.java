package dev.peregrine.rules.condition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Substitutes macro references (identifiers in check position) with the macros' trees,
 * recursively. A reference to an unknown name is an error, as is a macro that reaches itself.
 */
public final class MacroResolver {
    private final Map<String, Ast> macros;
    private final Set<String> used = new LinkedHashSet<>();

    /** @param macros the macros this condition may see, by name */
    public MacroResolver(Map<String, Ast> macros) {
        this.macros = macros;
    }

    /** A macro problem, with the macro name and the position of the reference. */
    public static final class MacroException extends RuntimeException {
        private final int offset;

        MacroException(String message, int offset) {
            super(message, null, false, false);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    public Ast resolve(Ast ast) {
        return resolve(ast, new ArrayList<>());
    }

    /** Macro names substituted so far. */
    public Set<String> used() {
        return used;
    }

    private Ast resolve(Ast ast, List<String> path) {
        return switch (ast) {
            case Ast.And a -> new Ast.And(a.children().stream().map(c -> resolve(c, path)).toList(), a.pos());
            case Ast.Or o -> new Ast.Or(o.children().stream().map(c -> resolve(c, path)).toList(), o.pos());
            case Ast.Not n -> new Ast.Not(resolve(n.child(), path), n.pos());
            case Ast.Check c -> c;
            case Ast.Identifier id -> {
                Ast body = macros.get(id.name());
                if (body == null) {
                    throw new MacroException("Undefined macro '" + id.name() + "' used in filter.", id.pos());
                }
                if (path.contains(id.name())) {
                    throw new MacroException("reference loop in macro '" + id.name() + "'", id.pos());
                }
                used.add(id.name());
                path.add(id.name());
                Ast resolved = resolve(body, path);
                path.removeLast();
                yield resolved;
            }
        };
    }
}
