package dev.peregrine.agent.output;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One JSON alert per line on standard output or appended to a file, flushed per alert. */
public final class StreamSink implements AlertSink {
    private final OutputStream out;
    private final boolean owned;

    public StreamSink(OutputStream out) {
        this.out = out;
        this.owned = false;
    }

    private StreamSink(OutputStream out, boolean owned) {
        this.out = out;
        this.owned = owned;
    }

    /** Appends to {@code file}, creating it. */
    public static StreamSink appendingTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new StreamSink(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
    }

    @Override
    public synchronized void send(Alert alert) {
        try {
            out.write((ProtocolJson.write(alert) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.flush();
            if (owned) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing at exit: nothing left to do with the error
        }
    }
}
