package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Encodes and decodes agent/orchestrator WebSocket text frames. A frame that cannot be decoded
 * yields a {@link ProtocolException} naming the field; the caller decides whether to drop the
 * frame or the connection.
 */
public final class MessageCodec {
    /** The wire names of every message type, for error messages. */
    static final String TYPE_NAMES = Arrays.stream(Message.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name)
            .collect(Collectors.joining(", "));

    private MessageCodec() {
    }

    public static String encode(Message message) {
        return ProtocolJson.write(message);
    }

    public static Message decode(String frame) throws ProtocolException {
        return ProtocolJson.read(frame, Message.class);
    }
}
