package dev.peregrine.rules.condition;

import java.util.List;

/** The condition syntax tree, with {@link #toString()} printing Falco's canonical form ({@code ast::as_string}). */
public sealed interface Ast {
    /** Offset of the node in the condition text it was parsed from. */
    int pos();

    record And(List<Ast> children, int pos) implements Ast {
        public And {
            children = List.copyOf(children);
        }

        @Override
        public String toString() {
            return "(" + String.join(" and ", children.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Or(List<Ast> children, int pos) implements Ast {
        public Or {
            children = List.copyOf(children);
        }

        @Override
        public String toString() {
            return "(" + String.join(" or ", children.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Not(Ast child, int pos) implements Ast {
        @Override
        public String toString() {
            return "not " + child;
        }
    }

    /** A bare identifier in check position: a macro reference until macros are resolved. */
    record Identifier(String name, int pos) implements Ast {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code left op [right]}; right is null for unary operators ({@code exists}). */
    record Check(Operand left, String op, Rhs right, int pos) implements Ast {
        @Override
        public String toString() {
            return right == null ? left + " " + op : left + " " + op + " " + right;
        }
    }

    /** What a check reads: a field, or a transformer applied to one. */
    sealed interface Operand permits Field, Transformer {
    }

    /** {@code name} or {@code name[arg]}; arg is null when absent. */
    record Field(String name, String arg) implements Operand {
        @Override
        public String toString() {
            return arg == null ? name : name + "[" + Escaping.escape(arg) + "]";
        }

        /** The field as written in outputs and tables: {@code proc.aname[2]}. */
        public String fullName() {
            return arg == null ? name : name + "[" + arg + "]";
        }
    }

    /** {@code tolower(x)}, {@code toupper}, {@code b64}, {@code basename}, {@code len}, and {@code val} on a right-hand side. */
    record Transformer(String name, Operand child) implements Operand {
        @Override
        public String toString() {
            return name + "(" + child + ")";
        }
    }

    /** The right-hand side of a binary check. */
    sealed interface Rhs permits Value, ValueList, OperandRhs {
    }

    record Value(String value) implements Rhs {
        @Override
        public String toString() {
            return Escaping.escape(value);
        }
    }

    record ValueList(List<String> values) implements Rhs {
        public ValueList {
            values = List.copyOf(values);
        }

        @Override
        public String toString() {
            return "(" + String.join(", ", values.stream().map(Escaping::escape).toList()) + ")";
        }
    }

    /** A field on the right: {@code val(proc.pname)} or a transformer. */
    record OperandRhs(Operand operand) implements Rhs {
        @Override
        public String toString() {
            return operand.toString();
        }
    }
}
