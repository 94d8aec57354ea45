package dev.peregrine.backend.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** Reading request bodies: content types checked, size bounded (before and after gzip). */
final class Bodies {
    static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
            "text/plain");

    private Bodies() {
    }

    static String mediaType(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    static void requireJson(Context ctx) {
        String type = mediaType(ctx);
        if (!type.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type",
                    "send JSON with Content-Type: application/json (got '" + (type.isEmpty() ? "none" : type) + "')");
        }
    }

    static void requireYaml(Context ctx) {
        String type = mediaType(ctx);
        if (!YAML_TYPES.contains(type)) {
            throw new ApiException(415, "unsupported_media_type",
                    "send the rules file as YAML with Content-Type: application/yaml (got '"
                            + (type.isEmpty() ? "none" : type) + "')");
        }
    }

    /** The body, decompressed when {@code Content-Encoding: gzip}, at most {@code limit} bytes either way. */
    static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        String encoding = ctx.header("Content-Encoding");
        try (InputStream raw = new Bounded(ctx.req().getInputStream(), limit)) {
            if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
                return raw.readAllBytes();
            }
            if (!encoding.equalsIgnoreCase("gzip")) {
                throw new ApiException(415, "unsupported_encoding",
                        "Content-Encoding must be gzip or identity, got '" + encoding + "'");
            }
            try (InputStream unzipped = new Bounded(new GZIPInputStream(raw), limit)) {
                return unzipped.readAllBytes();
            }
        } catch (TooLarge e) {
            throw tooLarge(limit);
        } catch (IOException e) {
            throw new ApiException(400, "invalid_body", "cannot read the request body: " + e.getMessage());
        }
    }

    static String readText(Context ctx, long limit) {
        return new String(read(ctx, limit), StandardCharsets.UTF_8);
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "payload_too_large", "request body larger than " + limit
                + " bytes (after decompression); send smaller batches");
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("body too large");
        }
    }

    /** Fails once more than {@code limit} bytes were read, without reading further. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && --left < 0) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, (int) Math.min(len, left + 1));
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new TooLarge();
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
