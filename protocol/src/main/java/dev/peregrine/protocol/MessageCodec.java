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

    private static final Message.Heartbeat HEARTBEAT = new Message.Heartbeat();
    private static final String HEARTBEAT_FRAME = ProtocolJson.write(HEARTBEAT);

    public static String encode(Message message) {
        // An ack answers every events batch and a heartbeat is sent every 2 s per agent: those
        // two are most of the frames, and this is exactly what the mapper writes for them (tested)
        return switch (message) {
            case Message.Ack ack -> "{\"type\":\"ack\",\"seq\":" + ack.seq() + "}";
            case Message.Heartbeat ignored -> HEARTBEAT_FRAME;
            default -> ProtocolJson.write(message);
        };
    }

    public static Message decode(String frame) throws ProtocolException {
        if (HEARTBEAT_FRAME.equals(frame)) {
            return HEARTBEAT;
        }
        return ProtocolJson.read(frame, Message.class);
    }
}
