package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * A frame on the agent/orchestrator WebSocket: a JSON object whose {@code type} names the
 * record. Encode and decode with {@link MessageCodec}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Message.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = Message.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = Message.Reject.class, name = "reject"),
        @JsonSubTypes.Type(value = Message.BundleUpdate.class, name = "bundle"),
        @JsonSubTypes.Type(value = Message.Events.class, name = "events"),
        @JsonSubTypes.Type(value = Message.Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = Message.Heartbeat.class, name = "heartbeat"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Message {

    /** agent → orchestrator, first frame: who the agent is and which protocol major it speaks. */
    record Hello(
            @JsonProperty(required = true) String agentVersion,
            @JsonProperty(required = true) int protocol,
            Map<String, String> metadata) implements Message {
        public Hello {
            InvalidFieldException.requireText(agentVersion, "agent_version");
            if (protocol < 1) {
                throw new InvalidFieldException("protocol", "must be a major version >= 1, got " + protocol);
            }
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /** orchestrator → agent, answer to hello: the current bundle, which the agent compiles before it starts the workload. */
    record Welcome(
            @JsonProperty(required = true) String orchestratorVersion,
            @JsonProperty(required = true) Bundle bundle) implements Message {
        public Welcome {
            InvalidFieldException.requireText(orchestratorVersion, "orchestrator_version");
            InvalidFieldException.requirePresent(bundle, "bundle");
        }
    }

    /** orchestrator → agent, answer to hello: not now (no bundle yet, bad token, incompatible version). */
    record Reject(
            @JsonProperty(required = true) String reason,
            @JsonProperty("retry_after_s") int retryAfterSeconds) implements Message {
        public Reject {
            InvalidFieldException.requireText(reason, "reason");
            if (retryAfterSeconds < 0) {
                throw new InvalidFieldException("retry_after_s", "must be >= 0, got " + retryAfterSeconds);
            }
        }
    }

    /** orchestrator → agent, whenever the bundle changes. Wire type {@code bundle}. */
    record BundleUpdate(@JsonProperty(required = true) Bundle bundle) implements Message {
        public BundleUpdate {
            InvalidFieldException.requirePresent(bundle, "bundle");
        }
    }

    /** agent → orchestrator: a batch of alerts; {@code seq} increases per connection and is acknowledged. */
    record Events(
            @JsonProperty(required = true) long seq,
            @JsonProperty(required = true) List<Alert> alerts) implements Message {
        public Events {
            if (seq < 0) {
                throw new InvalidFieldException("seq", "must be >= 0, got " + seq);
            }
            InvalidFieldException.requirePresent(alerts, "alerts");
            alerts = List.copyOf(alerts);
        }
    }

    /** orchestrator → agent: every events batch up to and including {@code seq} is spooled durably. */
    record Ack(@JsonProperty(required = true) long seq) implements Message {
    }

    /** both ways every 2 s; three missed heartbeats mean a dead link. */
    record Heartbeat() implements Message {
    }
}
