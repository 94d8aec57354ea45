package dev.peregrine.agent;

/** A configuration value is missing or invalid; the message names the variable or flag and what is accepted. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
