package dev.peregrine.rules.load;

import dev.peregrine.rules.Rule;
import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.condition.EventTypes;
import dev.peregrine.rules.condition.MacroResolver;
import dev.peregrine.rules.condition.Operator;
import dev.peregrine.rules.condition.ParseException;
import dev.peregrine.rules.condition.Parser;
import dev.peregrine.rules.eval.CompileException;
import dev.peregrine.rules.eval.Compiler;
import dev.peregrine.rules.eval.Filter;
import dev.peregrine.rules.output.OutputFormat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the collected lists, macros and rules into compiled rules, in Falco's order: lists are
 * substituted into every condition as text, macros are parsed and resolved in definition order
 * (each seeing only macros defined before its last definition), then each rule's condition
 * (with exceptions appended) is parsed, resolved, compiled, and its event types computed.
 * The first error stops compilation, as in Falco.
 */
public final class RuleCompiler {
    /** Rules matching more event types than this get LOAD_NO_EVTTYPE (when warn_evttypes is on). */
    private static final int MAX_EVTTYPES = 100;
    private static final List<String> UNKNOWN_FILTER_MARKERS = List.of("nonexistent field", "invalid formatting token",
            "unknown event type", "unknown filter:");

    private final Collector collector;
    private final Diagnostics diagnostics;
    private final Set<String> usedLists = new HashSet<>();
    private final Set<String> usedMacros = new HashSet<>();

    public RuleCompiler(Collector collector, Diagnostics diagnostics) {
        this.collector = collector;
        this.diagnostics = diagnostics;
    }

    public List<Rule> compile() {
        Map<String, List<String>> lists = compileLists();
        Map<String, Ast> macros = compileMacros(lists);
        List<Rule> rules = new ArrayList<>();
        for (RuleInfo info : collector.rules()) {
            if (info.unknownSource) {
                continue;
            }
            Rule rule = compileRule(info, lists, macros);
            if (rule != null) {
                rules.add(rule);
            }
        }
        for (MacroInfo m : collector.macros()) {
            if (!usedMacros.contains(m.name)) {
                diagnostics.warning(Codes.UNUSED_MACRO, "Macro not referred to by any other rule/macro", m.pos);
            }
        }
        for (ListInfo l : collector.lists()) {
            if (!usedLists.contains(l.name)) {
                diagnostics.warning(Codes.UNUSED_LIST, "List not referred to by any other rule/macro", l.pos);
            }
        }
        return rules;
    }

    private Map<String, List<String>> compileLists() {
        Map<String, ListInfo> byName = new LinkedHashMap<>();
        for (ListInfo l : collector.lists()) {
            byName.put(l.name, l);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ListInfo l : collector.lists()) {
            List<String> items = new ArrayList<>();
            for (String item : l.items) {
                ListInfo ref = byName.get(item);
                if (ref != null && ref.index < l.visibility) {
                    items.addAll(ref.items);
                    usedLists.add(ref.name);
                } else {
                    items.add(item);
                }
            }
            out.put(l.name, items);
        }
        return out;
    }

    private String expandLists(String condition, Map<String, List<String>> lists) {
        String cnd = condition;
        for (Map.Entry<String, List<String>> l : lists.entrySet()) {
            String next = ListExpansion.substitute(cnd, l.getKey(), l.getValue());
            if (next != null) {
                cnd = next;
                usedLists.add(l.getKey());
            }
        }
        return cnd;
    }

    private Map<String, Ast> compileMacros(Map<String, List<String>> lists) {
        List<MacroInfo> infos = collector.macros();
        Map<String, Ast> parsed = new LinkedHashMap<>();
        for (MacroInfo m : infos) {
            String cnd = expandLists(m.condition, lists);
            try {
                parsed.put(m.name, Parser.parse(cnd));
            } catch (ParseException e) {
                throw new LoadException(Codes.ERR_COMPILE_CONDITION, e.getMessage() + " (macro '" + m.name + "', at "
                        + where(cnd, e.offset()) + " of the condition)", exact(m.conditionPos, m.condition, cnd, e.offset()));
            }
        }
        for (MacroInfo m : infos) {
            Map<String, Ast> visible = new LinkedHashMap<>();
            for (MacroInfo other : infos) {
                if (other.index < m.visibility) {
                    visible.put(other.name, parsed.get(other.name));
                }
            }
            MacroResolver resolver = new MacroResolver(visible);
            try {
                parsed.put(m.name, resolver.resolve(parsed.get(m.name)));
            } catch (MacroResolver.MacroException e) {
                throw new LoadException(Codes.ERR_VALIDATE, e.getMessage() + " (in macro '" + m.name + "')", m.conditionPos);
            }
            usedMacros.addAll(resolver.used());
        }
        return parsed;
    }

    private Rule compileRule(RuleInfo info, Map<String, List<String>> lists, Map<String, Ast> macros) {
        String ruleAt = "rule '" + info.name + "' (" + info.pos.file() + ":" + info.pos.line() + ":" + info.pos.column() + ")";
        String output = info.output;
        if (output.contains("%container.info")) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, "%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.", info.outputPos);
            output = output.replace("%container.info", "").strip();
        }
        if (output.contains("%evt.dir")) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, "usage of deprecated field 'evt.dir' has been detected in the rule output", info.outputPos);
        }
        OutputFormat format;
        try {
            format = OutputFormat.compile(output);
        } catch (CompileException e) {
            String message = e.getMessage() + " (" + ruleAt + ", at offset " + e.offset() + " of the output)";
            if (info.skipIfUnknownFilter && isUnknownFilter(e.getMessage())) {
                diagnostics.warning(Codes.UNKNOWN_FILTER, message, info.outputPos);
                return null;
            }
            throw new LoadException(Codes.ERR_COMPILE_OUTPUT, message, info.outputPos);
        }
        String condition = expandLists(withExceptions(info), lists);
        Ast resolved;
        Filter filter;
        try {
            Ast ast = Parser.parse(condition);
            MacroResolver resolver = new MacroResolver(macros);
            try {
                resolved = resolver.resolve(ast);
            } catch (MacroResolver.MacroException e) {
                throw new LoadException(Codes.ERR_VALIDATE, e.getMessage() + " (" + ruleAt + ")", info.conditionPos);
            }
            usedMacros.addAll(resolver.used());
            filter = Compiler.compileCondition(resolved);
        } catch (ParseException | CompileException e) {
            int offset = e instanceof ParseException p ? p.offset() : ((CompileException) e).offset();
            String message = e.getMessage() + " (" + ruleAt + ", at " + where(condition, offset) + " of the condition)";
            if (info.skipIfUnknownFilter && isUnknownFilter(e.getMessage())) {
                diagnostics.warning(Codes.UNKNOWN_FILTER, message, info.conditionPos);
                return null;
            }
            throw new LoadException(Codes.ERR_COMPILE_CONDITION, message, exact(info.conditionPos, info.condition, condition, offset));
        }
        if (usesField(resolved, "evt.dir")) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, "usage of deprecated field 'evt.dir' has been detected in the rule condition", info.conditionPos);
        }
        for (String w : Compiler.misusedFieldWarnings(resolved)) {
            diagnostics.warning(Codes.COMPILE_CONDITION, w, info.conditionPos);
        }
        EventTypes types = EventTypes.of(resolved);
        // As Falco: an empty set (a condition that never holds) warns too.
        if (info.warnEvttypes && (types.complement() || types.isEmpty() || types.names().size() > MAX_EVTTYPES)) {
            diagnostics.warning(Codes.NO_EVTTYPE,
                    "Rule matches too many evt.type values. This has a significant performance penalty.", info.pos);
        }
        return new Rule(info.name, info.pos.file(), info.pos.line(), info.desc, info.priority, info.source,
                List.copyOf(info.tags), info.enabled, resolved.toString(), types, output, format, filter, resolved);
    }

    /** The file position of an offset into a condition, when the text compiled is the text written. */
    private static Pos exact(Pos conditionPos, String written, String compiled, int offset) {
        if (conditionPos == null) {
            return null;
        }
        return written.equals(compiled) ? conditionPos.at(offset) : conditionPos.at(-1);
    }

    private static boolean isUnknownFilter(String message) {
        return UNKNOWN_FILTER_MARKERS.stream().anyMatch(message::contains);
    }

    private static String where(String text, int offset) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col;
    }

    private static boolean usesField(Ast ast, String field) {
        return switch (ast) {
            case Ast.And a -> a.children().stream().anyMatch(c -> usesField(c, field));
            case Ast.Or o -> o.children().stream().anyMatch(c -> usesField(c, field));
            case Ast.Not n -> usesField(n.child(), field);
            case Ast.Identifier id -> false;
            case Ast.Check c -> c.left() instanceof Ast.Field f && f.name().equals(field);
        };
    }

    /** Falco's exceptions compilation: {@code (cond)} then {@code and not (...)} per exception with values. */
    static String withExceptions(RuleInfo info) {
        if (info.exceptions.isEmpty()) {
            return info.condition;
        }
        StringBuilder cond = new StringBuilder("(").append(info.condition).append(")");
        for (ExceptionInfo ex : info.exceptions) {
            String icond = exceptionCondition(ex);
            if (!icond.isEmpty()) {
                cond.append(" and not ").append(icond);
            }
        }
        return cond.toString();
    }

    private static String exceptionCondition(ExceptionInfo ex) {
        if (!ex.fields.isList()) {
            StringBuilder icond = new StringBuilder();
            for (ExceptionInfo.Entry val : ex.values) {
                if (val.isList()) {
                    throw new LoadException(Codes.ERR_VALIDATE, "Expected values array to contain a list of strings", ex.pos);
                }
                icond.append(icond.isEmpty() ? "(" + ex.fields.item() + " " + ex.comps.item() + " (" : ", ");
                icond.append(ListExpansion.quoteItem(val.item()));
            }
            if (!icond.isEmpty()) {
                icond.append("))");
            }
            return icond.toString();
        }
        List<String> alternatives = new ArrayList<>();
        for (ExceptionInfo.Entry values : ex.values) {
            if (!values.isList() || ex.fields.items().size() != values.items().size()) {
                throw new LoadException(Codes.ERR_VALIDATE, "Fields and values lists must have equal length", ex.pos);
            }
            List<String> conjuncts = new ArrayList<>();
            for (int k = 0; k < ex.fields.items().size(); k++) {
                ExceptionInfo.Entry value = values.items().get(k);
                String comp = ex.comps.items().get(k).item();
                String rhs;
                if (value.isList()) {
                    List<String> items = new ArrayList<>();
                    for (ExceptionInfo.Entry v : value.items()) {
                        items.add(ListExpansion.quoteItem(v.isList() ? String.valueOf(v.items()) : v.item()));
                    }
                    rhs = "(" + String.join(", ", items) + ")";
                } else if (Operator.of(comp).map(Operator::takesList).orElse(false)) {
                    rhs = value.item().startsWith("(") ? value.item() : "(" + value.item() + ")";
                } else {
                    rhs = ListExpansion.quoteItem(value.item());
                }
                conjuncts.add(ex.fields.items().get(k).item() + " " + comp + " " + rhs);
            }
            alternatives.add("(" + String.join(" and ", conjuncts) + ")");
        }
        return alternatives.isEmpty() ? "" : "(" + String.join(" or ", alternatives) + ")";
    }
}
