package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One Falco rules file of a bundle: its name and its YAML text. */
public record RulesFileContent(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) String content) {

    public RulesFileContent {
        InvalidFieldException.requireText(name, "name");
        InvalidFieldException.requirePresent(content, "content");
    }
}
