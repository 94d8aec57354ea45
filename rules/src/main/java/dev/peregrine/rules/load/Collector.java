package dev.peregrine.rules.load;

import dev.peregrine.rules.condition.Operator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Accumulates lists, macros and rules across all files in load order, applying Falco's
 * define / append / override semantics. A redefinition replaces the item in place, so it keeps
 * the position (and thus the evaluation order) of the first definition.
 */
public final class Collector {
    /** Sources this engine can evaluate; rules for other sources are kept but skipped. */
    public static final Set<String> KNOWN_SOURCES = Set.of("syscall");

    private final Map<String, ListInfo> lists = new LinkedHashMap<>();
    private final Map<String, MacroInfo> macros = new LinkedHashMap<>();
    private final Map<String, RuleInfo> rules = new LinkedHashMap<>();
    private final List<String> requiredEngineVersions = new ArrayList<>();
    private final Predicate<String> isField;
    private final Diagnostics diagnostics;
    private int nextIndex;

    /** @param isField tells whether a name (with optional argument) is a field of the syscall source */
    public Collector(Predicate<String> isField, Diagnostics diagnostics) {
        this.isField = isField;
        this.diagnostics = diagnostics;
    }

    public List<ListInfo> lists() {
        return List.copyOf(lists.values());
    }

    public List<MacroInfo> macros() {
        return List.copyOf(macros.values());
    }

    public List<RuleInfo> rules() {
        return rules.values().stream().sorted((a, b) -> Integer.compare(a.index, b.index)).toList();
    }

    public List<String> requiredEngineVersions() {
        return List.copyOf(requiredEngineVersions);
    }

    void requireEngineVersion(String version, Pos pos) {
        requiredEngineVersions.add(version);
        if (!EngineVersion.compatible(version)) {
            throw new LoadException(Codes.ERR_VALIDATE,
                    "Rules require engine version " + version + ", but engine version is " + EngineVersion.VERSION, pos);
        }
    }

    void defineList(String name, List<String> items, Pos pos) {
        ListInfo info = new ListInfo(name, items, pos);
        ListInfo prev = lists.get(name);
        int id = nextIndex++;
        info.index = prev == null ? id : prev.index;
        info.visibility = id;
        lists.put(name, info);
    }

    void appendList(String name, List<String> items, Pos pos) {
        ListInfo prev = lists.get(name);
        if (prev == null) {
            throw new LoadException(Codes.ERR_VALIDATE, Messages.ERROR_NO_PREVIOUS_LIST, pos);
        }
        prev.items.addAll(items);
        prev.visibility = nextIndex++;
    }

    void defineMacro(String name, String condition, Pos pos, Pos conditionPos) {
        MacroInfo info = new MacroInfo(name, condition, pos, conditionPos);
        MacroInfo prev = macros.get(name);
        int id = nextIndex++;
        info.index = prev == null ? id : prev.index;
        info.visibility = id;
        macros.put(name, info);
    }

    void appendMacro(String name, String condition, Pos pos) {
        MacroInfo prev = macros.get(name);
        if (prev == null) {
            throw new LoadException(Codes.ERR_VALIDATE, Messages.ERROR_NO_PREVIOUS_MACRO, pos);
        }
        prev.condition = prev.condition + " " + condition;
        prev.visibility = nextIndex++;
    }

    void defineRule(RuleInfo info) {
        RuleInfo prev = rules.get(info.name);
        if (prev != null && !prev.source.equals(info.source)) {
            throw new LoadException(Codes.ERR_VALIDATE, "Rule has been re-defined with a different source", info.pos);
        }
        if (!KNOWN_SOURCES.contains(info.source)) {
            info.unknownSource = true;
            diagnostics.warning(Codes.UNKNOWN_SOURCE, "Unknown source " + info.source + ", skipping", info.pos);
        }
        for (ExceptionInfo ex : info.exceptions) {
            if (ex.fields == null) {
                throw new LoadException(Codes.ERR_VALIDATE,
                        "Rule exception item must have fields property with a list of fields", ex.pos);
            }
            validateException(ex, !info.unknownSource);
        }
        int id = nextIndex++;
        info.index = prev == null ? id : prev.index;
        rules.put(info.name, info);
    }

    void enableRule(String name, boolean enabled, Pos pos) {
        RuleInfo prev = rules.get(name);
        if (prev == null) {
            throw new LoadException(Codes.ERR_VALIDATE, "Rule has 'enabled' key but no rule by that name already exists", pos);
        }
        prev.enabled = enabled;
    }

    /** Appends the present parts of {@code update} (legacy {@code append: true} or {@code override: append}). */
    void appendRule(RuleUpdate update) {
        RuleInfo prev = rules.get(update.name);
        if (prev == null) {
            throw new LoadException(Codes.ERR_VALIDATE, Messages.ERROR_NO_PREVIOUS_RULE_APPEND, update.pos);
        }
        if (!update.hasAnyValue()) {
            throw new LoadException(Codes.ERR_VALIDATE, "Appended rule must have exceptions or condition property", update.pos);
        }
        if (update.source != null && !update.source.equals(prev.source)) {
            throw new LoadException(Codes.ERR_VALIDATE, "Rule has been re-defined with a different source", update.pos);
        }
        if (update.condition != null && !update.condition.isEmpty()) {
            prev.condition = prev.condition + " " + update.condition;
        }
        if (update.output != null && !update.output.isEmpty()) {
            prev.output = prev.output + " " + update.output;
        }
        if (update.desc != null && !update.desc.isEmpty()) {
            prev.desc = prev.desc + " " + update.desc;
        }
        if (update.tags != null) {
            prev.tags.addAll(update.tags);
        }
        if (update.exceptions != null) {
            for (ExceptionInfo ex : update.exceptions) {
                ExceptionInfo existing = prev.exceptions.stream().filter(e -> e.name.equals(ex.name)).findFirst().orElse(null);
                if (existing == null) {
                    if (ex.fields == null) {
                        throw new LoadException(Codes.ERR_VALIDATE, "Rule exception must have fields property with a list of fields", ex.pos);
                    }
                    if (ex.values.isEmpty()) {
                        throw new LoadException(Codes.ERR_VALIDATE, "Rule exception must have values property with a list of values", ex.pos);
                    }
                    validateException(ex, !prev.unknownSource);
                    prev.exceptions.add(ex);
                } else {
                    if (ex.fields != null) {
                        throw new LoadException(Codes.ERR_VALIDATE, "Can not append exception fields to existing exception, only values", ex.pos);
                    }
                    if (ex.comps != null) {
                        throw new LoadException(Codes.ERR_VALIDATE, "Can not append exception comps to existing exception, only values", ex.pos);
                    }
                    existing.values.addAll(ex.values);
                }
            }
        }
    }

    /** Replaces the present parts of {@code update} ({@code override: replace}). */
    void replaceRule(RuleUpdate update) {
        RuleInfo prev = rules.get(update.name);
        if (prev == null) {
            throw new LoadException(Codes.ERR_VALIDATE, Messages.ERROR_NO_PREVIOUS_RULE_REPLACE, update.pos);
        }
        if (update.condition != null) {
            prev.condition = update.condition;
            prev.conditionPos = update.conditionPos;
        }
        if (update.output != null) {
            prev.output = update.output.strip();
            prev.outputPos = update.outputPos;
        }
        if (update.desc != null) {
            prev.desc = update.desc;
        }
        if (update.priority != null) {
            prev.priority = update.priority;
        }
        if (update.tags != null) {
            prev.tags = new java.util.TreeSet<>(update.tags);
        }
        if (update.exceptions != null) {
            for (ExceptionInfo ex : update.exceptions) {
                if (ex.fields == null) {
                    throw new LoadException(Codes.ERR_VALIDATE, "Rule exception must have fields property with a list of fields", ex.pos);
                }
                validateException(ex, !prev.unknownSource);
            }
            prev.exceptions = new ArrayList<>(update.exceptions);
        }
        if (update.enabled != null) {
            prev.enabled = update.enabled;
        }
        if (update.warnEvttypes != null) {
            prev.warnEvttypes = update.warnEvttypes;
        }
        if (update.skipIfUnknownFilter != null) {
            prev.skipIfUnknownFilter = update.skipIfUnknownFilter;
        }
        if (update.capture != null) {
            prev.capture = update.capture;
        }
        if (update.captureDuration != null) {
            prev.captureDuration = update.captureDuration;
        }
    }

    private void validateException(ExceptionInfo ex, boolean checkFields) {
        if (ex.fields.isList()) {
            if (ex.comps == null) {
                List<ExceptionInfo.Entry> eq = new ArrayList<>();
                for (int i = 0; i < ex.fields.items().size(); i++) {
                    eq.add(ExceptionInfo.Entry.scalar("="));
                }
                ex.comps = ExceptionInfo.Entry.list(eq);
            }
            if (!ex.comps.isList() || ex.fields.items().size() != ex.comps.items().size()) {
                throw new LoadException(Codes.ERR_VALIDATE, "Fields and comps lists must have equal length", ex.pos);
            }
            for (ExceptionInfo.Entry comp : ex.comps.items()) {
                if (comp.isList() || Operator.of(comp.item()).isEmpty()) {
                    throw new LoadException(Codes.ERR_VALIDATE,
                            "'" + (comp.isList() ? "(list)" : comp.item()) + "' is not a supported comparison operator", ex.pos);
                }
            }
            if (checkFields) {
                for (ExceptionInfo.Entry field : ex.fields.items()) {
                    if (field.isList() || !isField.test(field.item())) {
                        throw new LoadException(Codes.ERR_VALIDATE,
                                "'" + (field.isList() ? "(list)" : field.item()) + "' is not a supported filter field", ex.pos);
                    }
                }
            }
        } else {
            if (ex.comps == null) {
                ex.comps = ExceptionInfo.Entry.scalar("in");
            }
            if (ex.comps.isList()) {
                throw new LoadException(Codes.ERR_VALIDATE, "When fields is a single value, comps must also be a single value", ex.pos);
            }
            if (Operator.of(ex.comps.item()).filter(Operator::takesList).isEmpty()) {
                throw new LoadException(Codes.ERR_VALIDATE,
                        "When fields is a single value, comps must be one of (in, pmatch, intersects)", ex.pos);
            }
            if (checkFields && !isField.test(ex.fields.item())) {
                throw new LoadException(Codes.ERR_VALIDATE, "'" + ex.fields.item() + "' is not a supported filter field", ex.pos);
            }
        }
    }
}
