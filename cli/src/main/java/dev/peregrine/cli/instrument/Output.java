package dev.peregrine.cli.instrument;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes a result to a file (all or nothing, through a temporary file) or to stdout. */
final class Output {
    private Output() {
    }

    static void write(Path file, String text, PrintWriter stdout) throws IOException {
        if (file == null || file.toString().equals("-")) {
            stdout.print(text);
            stdout.flush();
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(temp, text);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static String read(Path file) throws IOException {
        if (file.toString().equals("-")) {
            return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return Files.readString(file);
    }

    static void problems(PrintWriter err, String what, List<String> problems) {
        err.println("peregrine: cannot instrument " + what + "; nothing was written:");
        problems.forEach(problem -> err.println("  - " + problem));
        err.flush();
    }
}
