package dev.peregrine.instrument.template;

import com.fasterxml.jackson.databind.JsonNode;
import org.snakeyaml.engine.v2.comments.CommentLine;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template or task definition as a Jackson tree (object keys keep their order) plus what the
 * YAML writer needs to give back the author's layout: the style of each string scalar and
 * collection as it was read. Nodes the patcher adds have no entry and get the defaults.
 */
public final class Document {
    private JsonNode root;
    private final TemplateFormat format;
    private final Map<JsonNode, ScalarStyle> scalarStyles = new IdentityHashMap<>();
    private final Map<JsonNode, FlowStyle> flowStyles = new IdentityHashMap<>();
    /** Comments of a mapping entry's key and value, by mapping (identity) and key. */
    private final Map<JsonNode, Map<String, Comments>> entryComments = new IdentityHashMap<>();
    /** The source text of scalars and flow collections as the author wrote them, by node identity. */
    private final Map<JsonNode, Verbatim> verbatim = new IdentityHashMap<>();

    /**
     * How a node was written. {@code snapshot} is a copy of a mutable node at reading time: the
     * text is reused only while the node still equals it (null for immutable scalars).
     */
    record Verbatim(String text, JsonNode snapshot) {
    }

    /** The source text of whole block entries ({@code Key:} and its block value), by mapping and key. */
    private final Map<JsonNode, Map<String, Verbatim>> entryVerbatim = new IdentityHashMap<>();
    /** Line break and document start marker of the source, to write the same. */
    private String lineBreak = "\n";
    private boolean explicitStart;
    private boolean finalLineBreak = true;

    /** Every comment of the source, to check that a rendering kept them all. */
    private List<String> comments = List.of();

    /** Comments of sequence items and collections' end comments, by node identity. */
    private final Map<JsonNode, Comments> nodeComments = new IdentityHashMap<>();

    /** YAML comments around one node, as SnakeYAML Engine attaches them. */
    record Comments(List<CommentLine> block, List<CommentLine> inline, List<CommentLine> end) {
        static Comments of(org.snakeyaml.engine.v2.nodes.Node node) {
            List<CommentLine> block = node.getBlockComments();
            List<CommentLine> inline = node.getInLineComments();
            List<CommentLine> end = node.getEndComments();
            if (empty(block) && empty(inline) && empty(end)) {
                return null;
            }
            return new Comments(block, inline, end);
        }

        /** Marks a blank line: the emitter indents blank lines, the writer then empties them. */
        static final String BLANK = "\uE002";

        void applyTo(org.snakeyaml.engine.v2.nodes.Node node) {
            if (!empty(block)) {
                node.setBlockComments(block.stream().map(line -> line.getCommentType() == org.snakeyaml.engine.v2.comments.CommentType.BLANK_LINE
                        ? new CommentLine(line.getStartMark(), line.getEndMark(), BLANK, org.snakeyaml.engine.v2.comments.CommentType.BLOCK)
                        : line).toList());
            }
            if (!empty(inline)) {
                node.setInLineComments(inline);
            }
            if (!empty(end)) {
                node.setEndComments(end);
            }
        }

        private static boolean empty(List<CommentLine> lines) {
            return lines == null || lines.isEmpty();
        }
    }

    public Document(JsonNode root, TemplateFormat format) {
        this.root = root;
        this.format = format;
    }

    public JsonNode root() {
        return root;
    }

    public void root(JsonNode root) {
        this.root = root;
    }

    public TemplateFormat format() {
        return format;
    }

    void scalarStyle(JsonNode node, ScalarStyle style) {
        scalarStyles.put(node, style);
    }

    /** The style the node was read with; null for nodes added since. */
    ScalarStyle scalarStyle(JsonNode node) {
        return scalarStyles.get(node);
    }

    /** New nodes added to a document take the style of a node they replace or extend. */
    public void copyStyle(JsonNode from, JsonNode to) {
        FlowStyle flow = flowStyles.get(from);
        if (flow != null) {
            flowStyles.put(to, flow);
        }
    }

    /** True when the node was written as a flow collection ({@code [a, b]}). */
    public boolean isFlow(JsonNode node) {
        return flowStyles.get(node) == FlowStyle.FLOW;
    }

    /** Declares a new string node safe to write as a plain scalar in block context. */
    public void plain(JsonNode text) {
        scalarStyles.put(text, ScalarStyle.PLAIN);
    }

    public void flow(JsonNode node) {
        flowStyles.put(node, FlowStyle.FLOW);
    }

    void entryComments(JsonNode mapping, String key, Comments keyComments, Comments valueComments) {
        if (keyComments != null) {
            entryComments.computeIfAbsent(mapping, m -> new HashMap<>()).put(key, keyComments);
        }
        if (valueComments != null) {
            entryComments.computeIfAbsent(mapping, m -> new HashMap<>()).put("\u0000" + key, valueComments);
        }
    }

    Comments keyComments(JsonNode mapping, String key) {
        Map<String, Comments> entries = entryComments.get(mapping);
        return entries == null ? null : entries.get(key);
    }

    Comments valueComments(JsonNode mapping, String key) {
        Map<String, Comments> entries = entryComments.get(mapping);
        return entries == null ? null : entries.get("\u0000" + key);
    }

    void verbatim(JsonNode node, String text, boolean mutable) {
        verbatim.put(node, new Verbatim(text, mutable ? node.deepCopy() : null));
    }

    /** The author's text for the node, when the node is still what was read. */
    String verbatim(JsonNode node) {
        Verbatim written = verbatim.get(node);
        if (written == null || (written.snapshot() != null && !written.snapshot().equals(node))) {
            return null;
        }
        return written.text();
    }

    void entryVerbatim(JsonNode mapping, String key, String text, JsonNode value) {
        entryVerbatim.computeIfAbsent(mapping, m -> new HashMap<>()).put(key, new Verbatim(text, value.deepCopy()));
    }

    /** The author's text of the entry, when its value is still what was read. */
    String entryVerbatim(JsonNode mapping, String key) {
        Map<String, Verbatim> entries = entryVerbatim.get(mapping);
        Verbatim written = entries == null ? null : entries.get(key);
        return written != null && written.snapshot().equals(mapping.get(key)) ? written.text() : null;
    }

    void layout(String lineBreak, boolean explicitStart, boolean finalLineBreak) {
        this.lineBreak = lineBreak;
        this.explicitStart = explicitStart;
        this.finalLineBreak = finalLineBreak;
    }

    boolean finalLineBreak() {
        return finalLineBreak;
    }

    String lineBreak() {
        return lineBreak;
    }

    boolean explicitStart() {
        return explicitStart;
    }

    void comments(List<String> comments) {
        this.comments = List.copyOf(comments);
    }

    List<String> comments() {
        return comments;
    }

    void nodeComments(JsonNode node, Comments comments) {
        if (comments != null) {
            nodeComments.put(node, comments);
        }
    }

    Comments nodeComments(JsonNode node) {
        return nodeComments.get(node);
    }

    void flowStyle(JsonNode node, FlowStyle style) {
        flowStyles.put(node, style);
    }

    FlowStyle flowStyle(JsonNode node) {
        return flowStyles.getOrDefault(node, FlowStyle.BLOCK);
    }
}
