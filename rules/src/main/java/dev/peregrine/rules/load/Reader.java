package dev.peregrine.rules.load;

import dev.peregrine.rules.Priority;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.common.ScalarStyle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one rules file into the collector, item by item, as Falco's {@code rule_loader::reader}
 * does: the first error stops the file; warnings do not.
 */
public final class Reader {
    private static final Set<String> LIST_KEYS = Set.of("list", "items", "append", "override");
    private static final Set<String> MACRO_KEYS = Set.of("macro", "condition", "append", "override");
    private static final Set<String> RULE_KEYS = Set.of("rule", "condition", "output", "desc", "priority", "source",
            "enabled", "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter", "tags", "exceptions",
            "override", "append");
    private static final List<String> RULE_APPENDABLE = List.of("condition", "output", "desc", "tags", "exceptions");
    private static final List<String> RULE_REPLACEABLE = List.of("condition", "output", "desc", "priority", "tags",
            "exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration");

    private final String file;
    private final Collector collector;
    private final Diagnostics diagnostics;
    private final List<PluginRequirement> pluginRequirements;

    /** One {@code required_plugin_versions} entry: a plugin name and version, or any alternative. */
    public record PluginRequirement(List<String[]> alternatives, Pos pos) {
    }

    public Reader(String file, Collector collector, Diagnostics diagnostics, List<PluginRequirement> pluginRequirements) {
        this.file = file;
        this.collector = collector;
        this.diagnostics = diagnostics;
        this.pluginRequirements = pluginRequirements;
    }

    /** Reads the file; false when it had an error (already reported). */
    public boolean read(String content) {
        List<Node> documents = new ArrayList<>();
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(true)
                    .setSchema(new org.snakeyaml.engine.v2.schema.CoreSchema()).build();
            for (Node doc : new Compose(settings).composeAllFromString(content)) {
                documents.add(doc);
            }
        } catch (MarkedYamlEngineException e) {
            Pos pos = e.getProblemMark().map(this::pos).orElse(Pos.of(file));
            diagnostics.error(Codes.ERR_YAML_PARSE, firstLine(e.getProblem() == null ? e.getMessage() : e.getProblem()), pos);
            return false;
        } catch (YamlEngineException e) {
            diagnostics.error(Codes.ERR_YAML_PARSE, firstLine(e.getMessage()), Pos.of(file));
            return false;
        }
        for (Node doc : documents) {
            if (doc == null || isNull(doc)) {
                continue;
            }
            try {
                if (!(doc instanceof SequenceNode seq)) {
                    throw new LoadException(Codes.ERR_YAML_VALIDATE,
                            doc instanceof MappingNode ? "Rules content is not yaml array of objects" : "Rules content is not yaml",
                            pos(doc));
                }
                for (Node item : seq.getValue()) {
                    if (!isNull(item)) {
                        readItem(item);
                    }
                }
            } catch (LoadException e) {
                diagnostics.error(e);
                return false;
            }
        }
        return true;
    }

    private void readItem(Node node) {
        if (!(node instanceof MappingNode mapping)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE,
                    "Unexpected element type. Each element should be a yaml associative array.", pos(node));
        }
        Map<String, Node> item = keys(mapping);
        Pos pos = pos(node);
        if (item.containsKey("required_engine_version")) {
            readEngineVersion(item, pos);
        } else if (item.containsKey("required_plugin_versions")) {
            readPluginVersions(item.get("required_plugin_versions"));
        } else if (item.containsKey("list")) {
            readList(item, pos);
        } else if (item.containsKey("macro")) {
            readMacro(item, pos);
        } else if (item.containsKey("rule")) {
            readRule(item, pos);
        } else {
            diagnostics.warning(Codes.UNKNOWN_ITEM, "Unknown top level item", pos);
        }
    }

    private void readEngineVersion(Map<String, Node> item, Pos pos) {
        String text = decodeString(item, "required_engine_version", pos);
        String version;
        if (text.matches("[0-9]+")) {
            // Falco reads a bare number N as 0.N.0.
            version = "0." + Long.parseLong(text) + ".0";
        } else {
            if (EngineVersion.parse(text) == null) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Unable to parse engine version '" + text
                        + "' as a semver string. Expected \"x.y.z\" semver format.", pos);
            }
            version = text.trim();
        }
        collector.requireEngineVersion(version, pos);
    }

    private void readPluginVersions(Node node) {
        Pos pos = pos(node);
        if (!(node instanceof SequenceNode seq)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value of required_plugin_versions must be a sequence", pos);
        }
        for (Node entry : seq.getValue()) {
            Pos epos = pos(entry);
            if (!(entry instanceof MappingNode m)) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Plugin version must be a mapping", epos);
            }
            Map<String, Node> plugin = keys(m);
            List<String[]> alternatives = new ArrayList<>();
            alternatives.add(new String[] {decodeString(plugin, "name", epos), checkSemver(decodeString(plugin, "version", epos), epos)});
            Node alts = plugin.get("alternatives");
            if (alts != null) {
                if (!(alts instanceof SequenceNode altSeq)) {
                    throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value of plugin version alternatives must be a sequence", epos);
                }
                for (Node alt : altSeq.getValue()) {
                    if (!(alt instanceof MappingNode am)) {
                        throw new LoadException(Codes.ERR_YAML_VALIDATE, "Plugin version alternative must be a mapping", pos(alt));
                    }
                    Map<String, Node> a = keys(am);
                    alternatives.add(new String[] {decodeString(a, "name", pos(alt)), checkSemver(decodeString(a, "version", pos(alt)), pos(alt))});
                }
            }
            Set<String> names = new LinkedHashSet<>();
            for (String[] alt : alternatives) {
                if (!names.add(alt[0])) {
                    throw new LoadException(Codes.ERR_VALIDATE, "Defined multiple alternative version requirements for plugin '" + alt[0] + "'", epos);
                }
            }
            pluginRequirements.add(new PluginRequirement(alternatives, epos));
        }
    }

    private static String checkSemver(String v, Pos pos) {
        if (EngineVersion.parse(v) == null) {
            throw new LoadException(Codes.ERR_VALIDATE, "Invalid required version '" + v + "'", pos);
        }
        return v;
    }

    private void readList(Map<String, Node> item, Pos pos) {
        String name = decodeString(item, "list", pos);
        if (!name.matches(Messages.RGX_BARESTR)) {
            diagnostics.warning(Codes.INVALID_LIST_NAME,
                    "List has an invalid name. List names should match a regular expression: " + Messages.RGX_BARESTR, pos);
        }
        warnUnknownKeys(item, LIST_KEYS, pos);
        List<String> items = decodeStringSeq(item, "items", pos, false);
        boolean append = decodeBool(item, "append", pos, false);
        if (append) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, Messages.WARNING_APPEND, pos);
        }
        Overrides ov = decodeOverrides(item, Set.of("items"), Set.of("items"), pos);
        if (append && !ov.isEmpty()) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, Messages.ERROR_OVERRIDE_APPEND, pos);
        }
        if (append || ov.append.contains("items")) {
            collector.appendList(name, items, pos);
        } else {
            collector.defineList(name, items, pos);
        }
    }

    private void readMacro(Map<String, Node> item, Pos pos) {
        String name = decodeString(item, "macro", pos);
        if (!name.matches(Messages.RGX_IDENTIFIER)) {
            diagnostics.warning(Codes.INVALID_MACRO_NAME,
                    "Macro has an invalid name. Macro names should match a regular expression: " + Messages.RGX_IDENTIFIER, pos);
        }
        warnUnknownKeys(item, MACRO_KEYS, pos);
        String condition = decodeString(item, "condition", pos);
        Pos conditionPos = pos(item.get("condition"));
        boolean append = decodeBool(item, "append", pos, false);
        if (append) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, Messages.WARNING_APPEND, pos);
        }
        Overrides ov = decodeOverrides(item, Set.of("condition"), Set.of("condition"), pos);
        if (append && !ov.isEmpty()) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, Messages.ERROR_OVERRIDE_APPEND, pos);
        }
        if (append || ov.append.contains("condition")) {
            collector.appendMacro(name, condition, pos);
        } else {
            collector.defineMacro(name, condition, pos, conditionPos);
        }
    }

    private void readRule(Map<String, Node> item, Pos pos) {
        String name = decodeString(item, "rule", pos);
        warnUnknownKeys(item, RULE_KEYS, pos);
        boolean appendFlag = decodeBool(item, "append", pos, false);
        if (appendFlag) {
            diagnostics.warning(Codes.DEPRECATED_ITEM, Messages.WARNING_APPEND, pos);
        }
        Overrides ov = decodeOverrides(item, Set.copyOf(RULE_APPENDABLE), Set.copyOf(RULE_REPLACEABLE), pos);
        if (appendFlag && !ov.isEmpty()) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, Messages.ERROR_OVERRIDE_APPEND, pos);
        }
        if (!ov.isEmpty()) {
            Set<String> expected = new LinkedHashSet<>();
            for (String key : RULE_REPLACEABLE) {
                if (item.containsKey(key)) {
                    expected.add(key);
                }
            }
            if (!ov.append.isEmpty()) {
                RuleUpdate update = new RuleUpdate(name, pos);
                fillUpdate(update, item, ov.append, "append", expected, pos);
                collector.appendRule(update);
            }
            if (!ov.replace.isEmpty()) {
                RuleUpdate update = new RuleUpdate(name, pos);
                fillUpdate(update, item, ov.replace, "replace", expected, pos);
                collector.replaceRule(update);
            }
            for (String key : expected) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE,
                        "Unexpected key '" + key + "': no corresponding entry under 'override' is defined.", pos(item.get(key)));
            }
            return;
        }
        if (appendFlag) {
            RuleUpdate update = new RuleUpdate(name, pos);
            if (item.containsKey("condition")) {
                update.condition = decodeString(item, "condition", pos);
            }
            if (item.containsKey("exceptions")) {
                update.exceptions = readExceptions(item, pos, true);
            }
            if (item.containsKey("source")) {
                update.source = decodeString(item, "source", pos);
            }
            collector.appendRule(update);
            return;
        }
        if (!item.containsKey("condition") && !item.containsKey("output") && !item.containsKey("desc")
                && !item.containsKey("priority")) {
            boolean enabled = decodeBool(item, "enabled", pos, true);
            diagnostics.warning(Codes.DEPRECATED_ITEM, Messages.WARNING_ENABLED, pos);
            collector.enableRule(name, enabled, pos);
            return;
        }
        RuleInfo rule = new RuleInfo(name, pos);
        rule.condition = decodeString(item, "condition", pos);
        rule.conditionPos = pos(item.get("condition"));
        rule.output = decodeString(item, "output", pos).strip();
        rule.outputPos = pos(item.get("output"));
        rule.desc = decodeString(item, "desc", pos);
        rule.priority = decodePriority(item, pos);
        if (item.containsKey("source")) {
            rule.source = decodeString(item, "source", pos);
        }
        rule.enabled = decodeBool(item, "enabled", pos, false, true);
        rule.warnEvttypes = decodeBool(item, "warn_evttypes", pos, false, true);
        rule.skipIfUnknownFilter = decodeBool(item, "skip-if-unknown-filter", pos, false, false);
        rule.capture = decodeBool(item, "capture", pos, false, false);
        if (item.containsKey("capture_duration")) {
            rule.captureDuration = decodeUnsigned(item, "capture_duration", pos);
        }
        if (item.containsKey("tags")) {
            rule.tags = new java.util.TreeSet<>(decodeStringSeq(item, "tags", pos, true));
        }
        rule.exceptions = readExceptions(item, pos, false);
        collector.defineRule(rule);
    }

    private void fillUpdate(RuleUpdate u, Map<String, Node> item, Set<String> keys, String kind, Set<String> expected, Pos pos) {
        for (String key : keys) {
            if (!expected.remove(key)) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE,
                        "An " + kind + " override for '" + key + "' was specified but '" + key + "' is not defined", pos);
            }
            switch (key) {
                case "condition" -> {
                    u.condition = decodeString(item, key, pos);
                    u.conditionPos = pos(item.get(key));
                }
                case "output" -> {
                    u.output = decodeString(item, key, pos);
                    u.outputPos = pos(item.get(key));
                }
                case "desc" -> u.desc = decodeString(item, key, pos);
                case "tags" -> u.tags = new java.util.TreeSet<>(decodeStringSeq(item, key, pos, true));
                // Appending may give only values for an existing exception; replacing needs whole exceptions.
                case "exceptions" -> u.exceptions = readExceptions(item, pos, kind.equals("append"));
                case "priority" -> u.priority = decodePriority(item, pos);
                case "enabled" -> u.enabled = decodeBool(item, key, pos, true);
                case "warn_evttypes" -> u.warnEvttypes = decodeBool(item, key, pos, true);
                case "skip-if-unknown-filter" -> u.skipIfUnknownFilter = decodeBool(item, key, pos, true);
                case "capture" -> u.capture = decodeBool(item, key, pos, true);
                case "capture_duration" -> u.captureDuration = decodeUnsigned(item, key, pos);
                default -> throw new IllegalStateException(key);
            }
        }
    }

    private Priority decodePriority(Map<String, Node> item, Pos pos) {
        String text = decodeString(item, "priority", pos);
        return Priority.parse(text).orElseThrow(() -> new LoadException(Codes.ERR_YAML_VALIDATE,
                "Invalid priority '" + text + "', expected one of: emergency, alert, critical, error, warning, notice, "
                        + "informational (or info), debug", pos(item.get("priority"))));
    }

    private List<ExceptionInfo> readExceptions(Map<String, Node> item, Pos rulePos, boolean append) {
        Node exs = item.get("exceptions");
        List<ExceptionInfo> out = new ArrayList<>();
        if (exs == null || isNull(exs)) {
            return out;
        }
        if (!(exs instanceof SequenceNode seq)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Rule exceptions must be a sequence", pos(exs));
        }
        Set<String> names = new LinkedHashSet<>();
        for (Node exNode : seq.getValue()) {
            Pos epos = pos(exNode);
            if (!(exNode instanceof MappingNode m)) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Rule exception must be a mapping", epos);
            }
            Map<String, Node> ex = keys(m);
            String name = decodeString(ex, "name", epos);
            if (!names.add(name)) {
                diagnostics.warning(Codes.EXCEPTION_NAME_NOT_UNIQUE, "Multiple definitions of exception '" + name + "' in the same rule", epos);
            }
            ExceptionInfo info = new ExceptionInfo(name, epos);
            if (ex.containsKey("fields")) {
                info.fields = decodeEntry(ex.get("fields"));
            } else if (!append) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Item has no mapping for key 'fields'", epos);
            }
            if (ex.containsKey("comps")) {
                info.comps = decodeEntry(ex.get("comps"));
            }
            Node values = ex.get("values");
            if (values != null && !isNull(values)) {
                if (!(values instanceof SequenceNode vs)) {
                    throw new LoadException(Codes.ERR_YAML_VALIDATE, "Rule exception values must be a sequence", pos(values));
                }
                for (Node v : vs.getValue()) {
                    info.values.add(decodeEntry(v));
                }
            } else if (append) {
                diagnostics.warning(Codes.APPEND_NO_VALUES, "Overriding/appending exception with no values", epos);
            }
            out.add(info);
        }
        return out;
    }

    private ExceptionInfo.Entry decodeEntry(Node node) {
        if (node instanceof ScalarNode s) {
            if (s.getValue().isEmpty()) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value must be non-empty", pos(node));
            }
            return ExceptionInfo.Entry.scalar(s.getValue());
        }
        if (node instanceof SequenceNode seq) {
            List<ExceptionInfo.Entry> items = new ArrayList<>();
            for (Node n : seq.getValue()) {
                items.add(decodeEntry(n));
            }
            return ExceptionInfo.Entry.list(items);
        }
        throw new LoadException(Codes.ERR_YAML_VALIDATE, "Expected a scalar or a sequence, found a mapping", pos(node));
    }

    private record Overrides(Set<String> append, Set<String> replace) {
        boolean isEmpty() {
            return append.isEmpty() && replace.isEmpty();
        }
    }

    private Overrides decodeOverrides(Map<String, Node> item, Set<String> appendable, Set<String> replaceable, Pos pos) {
        Overrides ov = new Overrides(new LinkedHashSet<>(), new LinkedHashSet<>());
        Node node = item.get("override");
        if (node == null) {
            return ov;
        }
        if (!(node instanceof MappingNode m)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value of 'override' must be a mapping of key: append|replace", pos(node));
        }
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            String op = t.getValueNode() instanceof ScalarNode s ? s.getValue() : "";
            if (op.equals("append")) {
                if (!appendable.contains(key)) {
                    throw new LoadException(Codes.ERR_YAML_VALIDATE, "Key '" + key + "' cannot be appended to, use 'replace' instead", pos(t.getKeyNode()));
                }
                ov.append.add(key);
            } else if (op.equals("replace")) {
                if (!replaceable.contains(key)) {
                    throw new LoadException(Codes.ERR_YAML_VALIDATE, "Key '" + key + "' cannot be replaced", pos(t.getKeyNode()));
                }
                ov.replace.add(key);
            } else {
                StringBuilder allowed = new StringBuilder();
                if (appendable.contains(key)) {
                    allowed.append("append ");
                }
                if (replaceable.contains(key)) {
                    allowed.append("replace ");
                }
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "Invalid override operation for key '" + key + "': '" + op
                        + "'. Allowed values are: " + allowed, pos(t.getValueNode()));
            }
        }
        return ov;
    }

    private void warnUnknownKeys(Map<String, Node> item, Set<String> allowed, Pos pos) {
        for (Map.Entry<String, Node> e : item.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                diagnostics.warning(Codes.UNKNOWN_KEY, "Unknown key '" + e.getKey() + "'. The key will be ignored.", pos(e.getValue()));
            }
        }
    }

    // ---- scalar decoding with Falco's messages ----

    private String decodeString(Map<String, Node> item, String key, Pos itemPos) {
        Node val = item.get(key);
        if (val == null) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Item has no mapping for key '" + key + "'", itemPos);
        }
        if (isNull(val)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Mapping for key '" + key + "' is empty", pos(val));
        }
        if (!(val instanceof ScalarNode s)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value for key '" + key + "' is not a scalar value", pos(val));
        }
        if (s.getValue().isEmpty()) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value for key '" + key + "' must be non-empty", pos(val));
        }
        return s.getValue();
    }

    private boolean decodeBool(Map<String, Node> item, String key, Pos pos, boolean required) {
        return decodeBool(item, key, pos, required, false);
    }

    private boolean decodeBool(Map<String, Node> item, String key, Pos pos, boolean required, boolean dflt) {
        if (!required && !item.containsKey(key)) {
            return dflt;
        }
        String text = decodeString(item, key, pos);
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y" -> true;
            case "false", "no", "off", "n" -> false;
            default -> throw new LoadException(Codes.ERR_YAML_VALIDATE,
                    "Can't decode YAML scalar value for key '" + key + "': expected true or false, got '" + text + "'", pos(item.get(key)));
        };
    }

    private long decodeUnsigned(Map<String, Node> item, String key, Pos pos) {
        String text = decodeString(item, key, pos);
        if (!text.matches("[0-9]{1,18}")) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE,
                    "Can't decode YAML scalar value for key '" + key + "': expected a non-negative integer, got '" + text + "'", pos(item.get(key)));
        }
        return Long.parseLong(text);
    }

    private List<String> decodeStringSeq(Map<String, Node> item, String key, Pos pos, boolean optional) {
        Node val = item.get(key);
        if (val == null) {
            if (optional) {
                return List.of();
            }
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Item has no mapping for key '" + key + "'", pos);
        }
        if (!(val instanceof SequenceNode seq)) {
            throw new LoadException(Codes.ERR_YAML_VALIDATE, "Value for key '" + key + "' is not a sequence", pos(val));
        }
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            if (!(n instanceof ScalarNode s)) {
                throw new LoadException(Codes.ERR_YAML_VALIDATE, "sequence value is not scalar", pos(n));
            }
            out.add(s.getValue());
        }
        return out;
    }

    private Map<String, Node> keys(MappingNode m) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            // yaml-cpp returns the first of duplicate keys.
            out.putIfAbsent(scalar(t.getKeyNode()), t.getValueNode());
        }
        return out;
    }

    private String scalar(Node node) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw new LoadException(Codes.ERR_YAML_VALIDATE, "Mapping keys must be scalars", pos(node));
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private Pos pos(Node node) {
        Pos start = node == null ? Pos.of(file) : node.getStartMark().map(this::pos).orElse(Pos.of(file));
        if (node instanceof ScalarNode s && node.getEndMark().isPresent() && start.line() > 0) {
            Mark end = node.getEndMark().get();
            boolean quoted = s.getScalarStyle() == ScalarStyle.SINGLE_QUOTED || s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED;
            boolean oneLine = end.getLine() + 1 == start.line();
            int span = end.getColumn() + 1 - start.column() - (quoted ? 2 : 0);
            if ((quoted || s.getScalarStyle() == ScalarStyle.PLAIN) && oneLine && span == s.getValue().length()) {
                return new Pos(file, start.line(), start.column() + (quoted ? 1 : 0), true);
            }
        }
        return start;
    }

    private Pos pos(Mark mark) {
        return new Pos(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "YAML parse error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s.strip() : s.substring(0, nl).strip();
    }
}
