package dev.peregrine.instrument.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CloudFormation YAML through SnakeYAML Engine's node API. Short tags become {@link ShortFormNode}s
 * and come back as the same tags. The {@link Document} remembers styles, comments and the source
 * text of scalars, flow collections and whole block entries; the writer reuses that text for
 * whatever is unchanged, so untouched parts come back byte for byte, and checks its result by
 * reading it back.
 */
final class YamlCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * Strings that YAML 1.1 readers (cfn-lint, older tools) take for booleans, null or numbers,
     * although YAML 1.2 does not: new strings that look like one of them are quoted.
     */
    private static final java.util.regex.Pattern YAML_1_1_SPECIAL = java.util.regex.Pattern.compile(
            "(?i:y|n|yes|no|on|off|true|false|null|~)|[-+]?(0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|[0-9][0-9_]*|([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))");

    private YamlCodec() {
    }

    static Document read(String text, String source) {
        Node node;
        try {
            node = compose(text, source, true);
        } catch (YamlEngineException withComments) {
            // Comment handling is the engine's least travelled path: read without comments rather than fail.
            try {
                node = compose(text, source, false);
            } catch (YamlEngineException e) {
                throw new TemplateException(source + ": not valid YAML: " + e.getMessage(), e);
            }
        }
        if (node == null) {
            throw new TemplateException(source + ": the document is empty");
        }
        Document document = new Document(null, TemplateFormat.YAML);
        Reader reader = new Reader(document, source, text.codePoints().toArray());
        JsonNode root = node instanceof MappingNode mapping && mapping.getFlowStyle() == FlowStyle.BLOCK
                && !isCustom(node) ? reader.mapping(mapping, 0) : reader.convert(node);
        document.root(root);
        document.comments(comments(node));
        boolean explicitStart = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .findFirst().map(l -> l.equals("---") || l.startsWith("--- ")).orElse(false);
        document.layout(text.contains("\r\n") ? "\r\n" : "\n", explicitStart, text.endsWith("\n"));
        document.nodeComments(root, Document.Comments.of(node));
        return document;
    }

    private static boolean isCustom(Node node) {
        String tag = node.getTag().getValue();
        return tag.startsWith("!") && !tag.startsWith("!!");
    }

    /** Every comment line under the node, blank lines left out. */
    static List<String> comments(Node node) {
        List<String> out = new ArrayList<>();
        collectComments(node, out);
        return out;
    }

    private static void collectComments(Node node, List<String> out) {
        for (List<org.snakeyaml.engine.v2.comments.CommentLine> lines : java.util.Arrays.asList(
                node.getBlockComments(), node.getInLineComments(), node.getEndComments())) {
            if (lines != null) {
                lines.stream().filter(l -> l.getCommentType() != org.snakeyaml.engine.v2.comments.CommentType.BLANK_LINE)
                        .forEach(l -> out.add(l.getValue().strip()));
            }
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                collectComments(tuple.getKeyNode(), out);
                collectComments(tuple.getValueNode(), out);
            }
        } else if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(item -> collectComments(item, out));
        }
    }

    private static Node compose(String text, String source, boolean comments) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setSchema(new CoreSchema())
                .setParseComments(comments).build();
        return new Compose(settings).composeString(text).orElse(null);
    }

    private record Reader(Document document, String source, int[] text) {
        /** From the key to the end of the value's last line (with its end-of-line comment). */
        private String entryText(Node key, Node value) {
            int start = key.getStartMark().map(Mark::getIndex).orElse(-1);
            int end = lastEnd(value);
            if (start < 0 || end <= start || end > text.length) {
                return null;
            }
            int lineEnd = end;
            while (lineEnd < text.length && text[lineEnd] != '\n') {
                lineEnd++;
            }
            String rest = new String(text, end, lineEnd - end).strip();
            if (rest.isEmpty() || rest.startsWith("#")) {
                end = lineEnd;
            }
            String entry = new String(text, start, end - start);
            // The line break is the writer's; keep trailing blanks of the last line, not the break.
            return entry.endsWith("\r") ? entry.substring(0, entry.length() - 1) : entry;
        }

        private static int lastEnd(Node node) {
            if (node instanceof MappingNode mapping && mapping.getFlowStyle() == FlowStyle.BLOCK && !mapping.getValue().isEmpty()) {
                return lastEnd(mapping.getValue().getLast().getValueNode());
            }
            if (node instanceof SequenceNode sequence && sequence.getFlowStyle() == FlowStyle.BLOCK && !sequence.getValue().isEmpty()) {
                return lastEnd(sequence.getValue().getLast());
            }
            return node.getEndMark().map(Mark::getIndex).orElse(-1);
        }

        /** The node's text in the source (marks count code points). */
        private void remember(JsonNode json, Node node, boolean mutable) {
            if (node.getStartMark().isEmpty() || node.getEndMark().isEmpty()) {
                return;
            }
            int start = node.getStartMark().get().getIndex();
            int end = node.getEndMark().get().getIndex();
            if (start >= 0 && end > start && end <= text.length) {
                document.verbatim(json, new String(text, start, end - start).stripTrailing(), mutable);
            }
        }

        JsonNode convert(Node node) {
            String tag = node.getTag().getValue();
            if (tag.startsWith("!") && !tag.startsWith("!!")) {
                Intrinsic intrinsic = Intrinsic.byTag(tag).orElseThrow(() -> new TemplateException(
                        where(node) + "unknown tag " + tag + " (CloudFormation short forms are "
                                + String.join(", ", java.util.Arrays.stream(Intrinsic.values()).map(Intrinsic::tag).toList()) + ")"));
                return intrinsic(intrinsic, node);
            }
            return switch (node) {
                case ScalarNode scalar -> scalar(scalar);
                case SequenceNode sequence -> {
                    ArrayNode array = NODES.arrayNode();
                    for (Node item : sequence.getValue()) {
                        JsonNode converted = convert(item);
                        array.add(converted);
                        document.nodeComments(converted, Document.Comments.of(item));
                    }
                    document.flowStyle(array, sequence.getFlowStyle());
                    document.nodeComments(array, endOnly(sequence));
                    if (sequence.getFlowStyle() == FlowStyle.FLOW) {
                        remember(array, sequence, true);
                    }
                    yield array;
                }
                case MappingNode mapping -> mapping(mapping, -1);
                default -> throw new TemplateException(where(node) + "unsupported YAML node " + node.getNodeType());
            };
        }

        /**
         * @param column where the writer will put this mapping's keys when it is reached through
         *               block mappings only from the root (then whole entries can keep their text); else -1
         */
        private ObjectNode mapping(MappingNode mapping, int column) {
            ObjectNode object = NODES.objectNode();
            Set<String> seen = new HashSet<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw new TemplateException(where(tuple.getKeyNode()) + "a mapping key must be a plain value");
                }
                if (!seen.add(key.getValue())) {
                    throw new TemplateException(where(key) + "duplicate key '" + key.getValue() + "'");
                }
                Node valueNode = tuple.getValueNode();
                boolean blockMapping = valueNode instanceof MappingNode child && child.getFlowStyle() == FlowStyle.BLOCK && !isCustom(valueNode);
                JsonNode value = blockMapping && column >= 0 ? mapping((MappingNode) valueNode, column + 2) : convert(valueNode);
                object.set(key.getValue(), value);
                if (column >= 0 && mapping.getFlowStyle() == FlowStyle.BLOCK && !isCustom(valueNode)
                        && valueNode instanceof org.snakeyaml.engine.v2.nodes.CollectionNode<?> collection
                        && collection.getFlowStyle() == FlowStyle.BLOCK
                        && key.getStartMark().map(m -> m.getColumn() == column).orElse(false)) {
                    String entry = entryText(key, valueNode);
                    if (entry != null) {
                        document.entryVerbatim(object, key.getValue(), entry, value);
                    }
                }
                document.entryComments(object, key.getValue(), Document.Comments.of(key), Document.Comments.of(tuple.getValueNode()));
            }
            document.flowStyle(object, mapping.getFlowStyle());
            document.nodeComments(object, endOnly(mapping));
            if (mapping.getFlowStyle() == FlowStyle.FLOW) {
                remember(object, mapping, true);
            }
            return object;
        }

        private static Document.Comments endOnly(Node collection) {
            List<org.snakeyaml.engine.v2.comments.CommentLine> end = collection.getEndComments();
            return end == null || end.isEmpty() ? null : new Document.Comments(null, null, end);
        }

        private JsonNode intrinsic(Intrinsic intrinsic, Node node) {
            if (node instanceof ScalarNode scalar) {
                String value = scalar.getValue();
                if (intrinsic == Intrinsic.GET_ATT) {
                    int dot = value.indexOf('.');
                    if (dot <= 0 || dot == value.length() - 1) {
                        throw new TemplateException(where(node) + "!GetAtt needs RESOURCE.ATTRIBUTE, got '" + value + "'");
                    }
                    ArrayNode pair = NODES.arrayNode().add(value.substring(0, dot)).add(value.substring(dot + 1));
                    ShortFormNode call = new ShortFormNode(intrinsic, pair, true);
                    remember(call, node, true);
                    return call;
                }
                ShortFormNode call = new ShortFormNode(intrinsic, text(value, scalar.getScalarStyle()), false);
                ScalarStyle style = scalar.getScalarStyle();
                if (style != ScalarStyle.LITERAL && style != ScalarStyle.FOLDED) {
                    remember(call, node, true);
                }
                return call;
            }
            JsonNode argument = switch (node) {
                case SequenceNode sequence -> {
                    ArrayNode array = NODES.arrayNode();
                    for (Node item : sequence.getValue()) {
                        JsonNode converted = convert(item);
                        array.add(converted);
                        document.nodeComments(converted, Document.Comments.of(item));
                    }
                    document.flowStyle(array, sequence.getFlowStyle());
                    yield array;
                }
                case MappingNode mapping -> mapping(mapping, -1);
                default -> throw new TemplateException(where(node) + "unsupported argument of " + intrinsic.tag());
            };
            ShortFormNode call = new ShortFormNode(intrinsic, argument, false);
            if (node instanceof org.snakeyaml.engine.v2.nodes.CollectionNode<?> collection && collection.getFlowStyle() == FlowStyle.FLOW) {
                remember(call, node, true);
            }
            return call;
        }

        private JsonNode scalar(ScalarNode scalar) {
            JsonNode json = scalarValue(scalar);
            ScalarStyle style = scalar.getScalarStyle();
            boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
            if (!block && !json.isBoolean() && !json.isNull()) {
                remember(json, scalar, false);
            }
            return json;
        }

        private JsonNode scalarValue(ScalarNode scalar) {
            Tag tag = scalar.getTag();
            String value = scalar.getValue();
            try {
                if (tag.equals(Tag.INT)) {
                    BigInteger n = parseInt(value);
                    // Fresh nodes, never Jackson's cached ones: comments and styles are kept by identity.
                    if (n.bitLength() < 32) {
                        return new IntNode(n.intValue());
                    }
                    return n.bitLength() < 64 ? new LongNode(n.longValue()) : new BigIntegerNode(n);
                }
                if (tag.equals(Tag.FLOAT) && !value.toLowerCase(Locale.ROOT).matches("[-+]?\\.(inf|nan)")) {
                    return DecimalNode.valueOf(new BigDecimal(value));
                }
            } catch (NumberFormatException e) {
                return text(value, scalar.getScalarStyle());
            }
            if (tag.equals(Tag.BOOL)) {
                return NODES.booleanNode(value.equalsIgnoreCase("true"));
            }
            if (tag.equals(Tag.NULL)) {
                return NODES.nullNode();
            }
            return text(value, scalar.getScalarStyle());
        }

        private TextNode text(String value, ScalarStyle style) {
            // A fresh node, never Jackson's shared instances: styles are kept by identity.
            TextNode node = new TextNode(value);
            document.scalarStyle(node, style);
            return node;
        }

        private String where(Node node) {
            Optional<Mark> mark = node.getStartMark();
            return mark.map(m -> source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ").orElse(source + ": ");
        }
    }

    private static BigInteger parseInt(String value) {
        String v = value.replace("_", "");
        boolean negative = v.startsWith("-");
        if (v.startsWith("-") || v.startsWith("+")) {
            v = v.substring(1);
        }
        BigInteger n;
        if (v.startsWith("0x")) {
            n = new BigInteger(v.substring(2), 16);
        } else if (v.startsWith("0o")) {
            n = new BigInteger(v.substring(2), 8);
        } else {
            n = new BigInteger(v);
        }
        return negative ? n.negate() : n;
    }

    /**
     * Writes the document, reusing the author's text for every scalar and flow collection that is
     * unchanged. That text is checked by reading the result back: should it not mean the same in
     * its new place (indentation of continuation lines, a plain scalar moved into a flow list),
     * the document is written again from its values alone.
     */
    static String write(Document document) {
        String sameValues = null;
        for (Reuse reuse : Reuse.values()) {
            String written = write(document, reuse);
            if (reuse == Reuse.NOTHING) {
                // Only the emitter's own choices: valid wherever the nodes went, if less like the original.
                return sameValues != null ? sameValues : written;
            }
            try {
                Node again = compose(written, "(written)", true);
                if (again != null && new Reader(new Document(null, TemplateFormat.YAML), "(written)", written.codePoints().toArray())
                        .convert(again).equals(document.root())) {
                    if (comments(again).stream().sorted().toList().equals(document.comments().stream().sorted().toList())) {
                        return written;
                    }
                    if (sameValues == null) {
                        sameValues = written;
                    }
                }
            } catch (YamlEngineException | TemplateException e) {
                // try the next, more conservative rendering
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** How much of the author's text a rendering reuses. */
    private enum Reuse {
        ENTRIES_AND_SCALARS, SCALARS, NOTHING
    }

    private static String write(Document document, Reuse reuse) {
        DumpSettings settings = DumpSettings.builder()
                .setSchema(new CoreSchema())
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(Integer.MAX_VALUE)
                .setSplitLines(false)
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setDumpComments(true)
                .setBestLineBreak(document.lineBreak())
                .setExplicitStart(document.explicitStart())
                .build();
        StringWriter out = new StringWriter();
        StreamDataWriter writer = new StreamDataWriter() {
            @Override
            public void write(String str) {
                out.write(str);
            }

            @Override
            public void write(String str, int off, int len) {
                out.write(str, off, len);
            }
        };
        Writer converter = new Writer(document, new ArrayList<>(), reuse != Reuse.NOTHING, reuse == Reuse.ENTRIES_AND_SCALARS);
        JsonNode root = document.root();
        Node tree = root.isObject() && !(root instanceof ShortFormNode) && !document.isFlow(root)
                ? converter.mapping(root, null, 0) : converter.convert(root);
        new org.snakeyaml.engine.v2.api.Dump(settings).dumpNode(tree, writer);
        String yaml = converter.restore(out.toString());
        if (!document.finalLineBreak() && yaml.endsWith(document.lineBreak())) {
            yaml = yaml.substring(0, yaml.length() - document.lineBreak().length());
        }
        return yaml;
    }

    /**
     * SnakeYAML's emitter quotes every tagged scalar ({@code !Ref 'X'}) and every plain scalar
     * with ':' inside a flow collection, although both are valid plain YAML. Scalars the author
     * wrote plain are therefore emitted as placeholder tokens and put back verbatim afterwards:
     * they parsed as plain in the same context, so they are valid there.
     */
    private record Writer(Document document, List<String> verbatim, boolean reuse, boolean entries) {
        private static final char OPEN = '\uE000';
        private static final char CLOSE = '\uE001';
        /** Opens the token of a whole entry, which stands for {@code KEY: VALUE} and eats the ':' after it. */
        private static final char ENTRY = '\uE003';

        Node convert(JsonNode node) {
            String original = reuse ? document.verbatim(node) : null;
            if (original != null && (!(node instanceof ShortFormNode call) || call.intact())) {
                return token(original);
            }
            if (node instanceof ShortFormNode call && call.intact()) {
                Tag tag = new Tag(call.intrinsic().tag());
                JsonNode argument = call.argument();
                if (call.dotted()) {
                    return token(tag.getValue() + " " + argument.get(0).asText() + "." + argument.get(1).asText());
                }
                if (argument.isTextual() && keepsPlain(argument)) {
                    return token(tag.getValue() + " " + argument.asText());
                }
                return withTag(argument, tag);
            }
            if (node.isTextual() && keepsPlain(node)) {
                return token(node.asText());
            }
            return withTag(node, null);
        }

        /** @param column where the emitter puts these keys, when known (block mappings from the root); else -1 */
        MappingNode mapping(JsonNode node, Tag custom, int column) {
            List<NodeTuple> tuples = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                ScalarNode key;
                Node value;
                String entry = entries && column >= 0 ? document.entryVerbatim(node, e.getKey()) : null;
                Document.Comments keyComments = document.keyComments(node, e.getKey());
                if (entry != null) {
                    // The whole entry is the author's text; comments inside it come with it.
                    verbatim.add(entry);
                    key = new ScalarNode(Tag.STR, ENTRY + Integer.toString(verbatim.size() - 1) + CLOSE, ScalarStyle.PLAIN);
                    value = new ScalarNode(Tag.NULL, "", ScalarStyle.PLAIN);
                    if (keyComments != null && keyComments.block() != null) {
                        comment(key, new Document.Comments(keyComments.block(), null, null));
                    }
                } else {
                    JsonNode child = e.getValue();
                    key = new ScalarNode(Tag.STR, e.getKey(), ScalarStyle.PLAIN);
                    boolean blockMapping = column >= 0 && child.isObject() && !(child instanceof ShortFormNode) && !document.isFlow(child)
                            && (!reuse || document.verbatim(child) == null);
                    value = blockMapping ? mapping(child, null, column + 2) : convert(child);
                    comment(key, keyComments);
                    comment(value, document.valueComments(node, e.getKey()));
                }
                tuples.add(new NodeTuple(key, value));
            }
            MappingNode mapping = new MappingNode(custom != null ? custom : Tag.MAP, tuples, document.flowStyle(node));
            comment(mapping, document.nodeComments(node));
            return mapping;
        }

        private static void comment(Node node, Document.Comments comments) {
            if (comments != null) {
                comments.applyTo(node);
            }
        }

        private boolean keepsPlain(JsonNode text) {
            if (!reuse) {
                return false;
            }
            String value = text.asText();
            return document.scalarStyle(text) == ScalarStyle.PLAIN && !value.isEmpty() && value.indexOf('\n') < 0
                    && value.indexOf(OPEN) < 0;
        }

        private ScalarNode token(String text) {
            verbatim.add(text);
            return new ScalarNode(Tag.STR, OPEN + Integer.toString(verbatim.size() - 1) + CLOSE, ScalarStyle.PLAIN);
        }

        String restore(String yaml) {
            yaml = yaml.replaceAll("(?m)^[ \\t]*#" + Document.Comments.BLANK + "(?=\r?$)", "");
            if (verbatim.isEmpty()) {
                return yaml;
            }
            StringBuilder out = new StringBuilder(yaml.length());
            int i = 0;
            while (i < yaml.length()) {
                char c = yaml.charAt(i);
                int close = c == OPEN || c == ENTRY ? yaml.indexOf(CLOSE, i) : -1;
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                out.append(verbatim.get(Integer.parseInt(yaml, i + 1, close, 10)));
                i = close + 1;
                if (c == ENTRY) {
                    // Drop the ':' and the empty value the emitter wrote after the key.
                    if (i < yaml.length() && yaml.charAt(i) == ':') {
                        i++;
                    }
                    while (i < yaml.length() && yaml.charAt(i) == ' ') {
                        i++;
                    }
                }
            }
            return out.toString();
        }

        private Node withTag(JsonNode node, Tag custom) {
            if (node.isObject()) {
                return mapping(node, custom, -1);
            }
            if (node.isArray()) {
                List<Node> items = new ArrayList<>();
                for (JsonNode item : node) {
                    Node converted = convert(item);
                    comment(converted, document.nodeComments(item));
                    items.add(converted);
                }
                SequenceNode sequence = new SequenceNode(custom != null ? custom : Tag.SEQ, items, document.flowStyle(node));
                comment(sequence, document.nodeComments(node));
                return sequence;
            }
            if (node.isTextual()) {
                ScalarStyle style = document.scalarStyle(node);
                if (style == null) {
                    style = YAML_1_1_SPECIAL.matcher(node.asText()).matches() ? ScalarStyle.SINGLE_QUOTED : ScalarStyle.PLAIN;
                }
                return new ScalarNode(custom != null ? custom : Tag.STR, node.asText(), style);
            }
            Tag tag;
            String text = node.asText();
            if (node.isNull()) {
                tag = Tag.NULL;
                text = "";
            } else if (node.isBoolean()) {
                tag = Tag.BOOL;
            } else if (node.isIntegralNumber()) {
                tag = Tag.INT;
            } else if (node.isNumber()) {
                tag = Tag.FLOAT;
                text = node.decimalValue().toPlainString();
            } else {
                tag = Tag.STR;
            }
            return new ScalarNode(custom != null ? custom : tag, text, ScalarStyle.PLAIN);
        }
    }
}
