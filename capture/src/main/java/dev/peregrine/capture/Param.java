package dev.peregrine.capture;

/**
 * One decoded system-call parameter.
 *
 * @param name     Falco's parameter name ({@code evt.arg.NAME})
 * @param type     how it was decoded
 * @param raw      {@code evt.rawarg.NAME}: a {@link Long} for numbers (Falco's encoding for
 *                 re-encoded flag sets), a {@link String} for paths, names and addresses, a
 *                 {@code List<String>} for argv (the full argv; {@code rendered} leaves argv[0] out, as
 *                 Falco's {@code args} does); null when tracee memory could not be read
 * @param rendered {@code evt.arg.NAME}: the text Falco shows (flag names, user names, ...)
 */
public record Param(String name, ArgType type, Object raw, String rendered) {
}
