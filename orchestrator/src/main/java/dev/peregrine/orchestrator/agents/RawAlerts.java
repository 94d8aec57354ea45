package dev.peregrine.orchestrator.agents;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.protocol.ProtocolJson;
import java.io.IOException;
import java.util.Optional;

/**
 * The {@code alerts} array of an {@code events} frame exactly as the agent wrote it. Spooling
 * the agent's own bytes instead of re-serialising the decoded records keeps fields this
 * orchestrator does not know (a newer agent's) on their way to the backend, and saves the
 * serialisation.
 */
final class RawAlerts {
    private RawAlerts() {
    }

    /** The top-level {@code alerts} array's text; empty if the frame has none (the caller then re-serialises). */
    static Optional<String> of(String frame) {
        try (JsonParser p = ProtocolJson.mapper().getFactory().createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("alerts".equals(name) && value == JsonToken.START_ARRAY) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getCharOffset();
                    return start >= 0 && end > start ? Optional.of(frame.substring(start, end)) : Optional.empty();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // the frame was decoded already; a failure here only means falling back
        }
        return Optional.empty();
    }
}
