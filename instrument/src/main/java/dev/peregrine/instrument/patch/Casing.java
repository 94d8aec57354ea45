package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CloudFormation spells container fields in PascalCase ({@code EntryPoint}), the ECS API in
 * camelCase ({@code entryPoint}); Terraform users mix both. Fields are found in either spelling
 * and written in the spelling already there, else in the object's own casing.
 */
public enum Casing {
    PASCAL, CAMEL;

    public String spell(String pascal) {
        return this == PASCAL ? pascal : Character.toLowerCase(pascal.charAt(0)) + pascal.substring(1);
    }

    /** The casing an object already uses, judged by its name-like keys; else the fallback. */
    public static Casing of(JsonNode object, Casing fallback) {
        for (String probe : new String[] {"Name", "Image", "Essential", "SourceContainer", "LogDriver", "Capabilities", "Add"}) {
            if (object.has(probe)) {
                return PASCAL;
            }
            if (object.has(CAMEL.spell(probe))) {
                return CAMEL;
            }
        }
        return fallback;
    }

    /** The key of a field in this object: the existing spelling, else this casing's. */
    public String key(JsonNode object, String pascal) {
        if (object.has(pascal)) {
            return pascal;
        }
        String camel = CAMEL.spell(pascal);
        if (object.has(camel)) {
            return camel;
        }
        return spell(pascal);
    }

    /** A field in either spelling, or null. */
    public static JsonNode get(JsonNode object, String pascal) {
        JsonNode value = object.get(pascal);
        return value != null ? value : object.get(CAMEL.spell(pascal));
    }

    /** Sets a field, keeping its position and spelling when it exists. */
    public void set(ObjectNode object, String pascal, JsonNode value) {
        object.set(key(object, pascal), value);
    }
}
