package dev.peregrine.backend.http;

import java.util.Map;

/**
 * An answer other than success, with a stable machine-readable {@code code} and a message for
 * people. Rendered as {@code {"error": code, "message": ..., ...details}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid_request", field.isEmpty() ? message : "field '" + field + "': " + message,
                field.isEmpty() ? Map.of() : Map.of("field", field));
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " does not exist");
    }
}
