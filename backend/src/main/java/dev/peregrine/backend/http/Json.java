package dev.peregrine.backend.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import io.javalin.http.Context;

/** JSON of the HTTP API: the protocol's conventions, times as RFC 3339 strings. */
final class Json {
    static final ObjectMapper MAPPER = ProtocolJson.mapper().copy()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    /** A JSON object body (415 unless application/json, 400 naming the problem otherwise). */
    static JsonNode readObject(Context ctx, long limit) {
        Bodies.requireJson(ctx);
        byte[] body = Bodies.read(ctx, limit);
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("", "cannot read the body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("", "expected a JSON object");
        }
        return node;
    }

    /** A protocol record from a JSON body; errors name the field. */
    static <T> T read(Context ctx, long limit, Class<T> type) {
        Bodies.requireJson(ctx);
        try {
            return ProtocolJson.read(Bodies.read(ctx, limit), type);
        } catch (ProtocolException e) {
            throw ApiException.badRequest(e.field(), e.getMessage().replaceFirst("^field '[^']*': ", ""));
        }
    }
}
