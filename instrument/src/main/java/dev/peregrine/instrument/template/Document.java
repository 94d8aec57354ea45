package dev.peregrine.instrument.template;

import com.fasterxml.jackson.databind.JsonNode;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;

import java.util.IdentityHashMap;
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

    void flowStyle(JsonNode node, FlowStyle style) {
        flowStyles.put(node, style);
    }

    FlowStyle flowStyle(JsonNode node) {
        return flowStyles.getOrDefault(node, FlowStyle.BLOCK);
    }
}
