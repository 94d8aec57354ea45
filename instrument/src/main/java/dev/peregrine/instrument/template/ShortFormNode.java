package dev.peregrine.instrument.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serial;
import java.util.Map;

/**
 * An intrinsic function call that was written with a YAML short tag ({@code !Ref X}). To every
 * reader it is the long form {@code {"Ref": "X"}}; the YAML writer puts the tag back.
 * {@code dotted} remembers {@code !GetAtt Res.Attr}, whose long form is a two-element list.
 */
public final class ShortFormNode extends ObjectNode {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Intrinsic intrinsic;
    private final boolean dotted;

    public ShortFormNode(Intrinsic intrinsic, JsonNode argument, boolean dotted) {
        super(JsonNodeFactory.instance);
        this.intrinsic = intrinsic;
        this.dotted = dotted;
        set(intrinsic.function(), argument);
    }

    public Intrinsic intrinsic() {
        return intrinsic;
    }

    public boolean dotted() {
        return dotted;
    }

    public JsonNode argument() {
        return get(intrinsic.function());
    }

    /** Still short form only while it is still exactly the one function call it was. */
    public boolean intact() {
        if (size() != 1 || !has(intrinsic.function())) {
            return false;
        }
        if (dotted) {
            JsonNode arg = argument();
            return arg.isArray() && arg.size() == 2 && arg.get(0).isTextual() && arg.get(1).isTextual();
        }
        return true;
    }

    @Override
    public ObjectNode deepCopy() {
        ShortFormNode copy = new ShortFormNode(intrinsic, argument().deepCopy(), dotted);
        for (Map.Entry<String, JsonNode> e : properties()) {
            if (!e.getKey().equals(intrinsic.function())) {
                copy.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
