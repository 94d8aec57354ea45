package dev.peregrine.instrument.template;

import java.util.Arrays;
import java.util.Optional;

/**
 * The CloudFormation intrinsic functions that have a YAML short form. One table drives both
 * directions: reading {@code !Sub x} as {@code {"Fn::Sub": x}} and writing it back.
 */
public enum Intrinsic {
    REF("!Ref", "Ref"),
    SUB("!Sub", "Fn::Sub"),
    GET_ATT("!GetAtt", "Fn::GetAtt"),
    JOIN("!Join", "Fn::Join"),
    SELECT("!Select", "Fn::Select"),
    IF("!If", "Fn::If"),
    IMPORT_VALUE("!ImportValue", "Fn::ImportValue"),
    FIND_IN_MAP("!FindInMap", "Fn::FindInMap"),
    BASE64("!Base64", "Fn::Base64"),
    SPLIT("!Split", "Fn::Split"),
    EQUALS("!Equals", "Fn::Equals"),
    NOT("!Not", "Fn::Not"),
    AND("!And", "Fn::And"),
    OR("!Or", "Fn::Or"),
    CONDITION("!Condition", "Condition"),
    CIDR("!Cidr", "Fn::Cidr"),
    GET_AZS("!GetAZs", "Fn::GetAZs"),
    TRANSFORM("!Transform", "Fn::Transform"),
    // Rule functions (template Rules section).
    CONTAINS("!Contains", "Fn::Contains"),
    EACH_MEMBER_EQUALS("!EachMemberEquals", "Fn::EachMemberEquals"),
    EACH_MEMBER_IN("!EachMemberIn", "Fn::EachMemberIn"),
    REF_ALL("!RefAll", "Fn::RefAll"),
    VALUE_OF("!ValueOf", "Fn::ValueOf"),
    VALUE_OF_ALL("!ValueOfAll", "Fn::ValueOfAll"),
    // AWS::LanguageExtensions transform.
    TO_JSON_STRING("!ToJsonString", "Fn::ToJsonString"),
    LENGTH("!Length", "Fn::Length");

    private final String tag;
    private final String function;

    Intrinsic(String tag, String function) {
        this.tag = tag;
        this.function = function;
    }

    /** The YAML tag, for example {@code !Sub}. */
    public String tag() {
        return tag;
    }

    /** The key of the long (JSON) form, for example {@code Fn::Sub}. */
    public String function() {
        return function;
    }

    /** True for a function call: an object with the single key {@code Ref}, {@code Condition} or {@code Fn::...}. */
    public static boolean isCall(com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            return false;
        }
        String key = node.fieldNames().next();
        return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
    }

    public static Optional<Intrinsic> byTag(String tag) {
        return Arrays.stream(values()).filter(i -> i.tag.equals(tag)).findFirst();
    }

    public static Optional<Intrinsic> byFunction(String function) {
        return Arrays.stream(values()).filter(i -> i.function.equals(function)).findFirst();
    }
}
