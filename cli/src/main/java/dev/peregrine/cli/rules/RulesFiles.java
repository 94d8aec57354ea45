package dev.peregrine.cli.rules;

import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RulesFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads rules files named on the command line; a file that cannot be read is a usage problem, not a rules error. */
final class RulesFiles {
    private RulesFiles() {
    }

    static final class UnreadableException extends Exception {
        UnreadableException(String message) {
            super(message);
        }
    }

    static List<RulesFile> read(List<Path> paths) throws UnreadableException {
        List<RulesFile> out = new ArrayList<>();
        for (Path p : paths) {
            try {
                out.add(new RulesFile(p.toString(), Files.readString(p)));
            } catch (NoSuchFileException e) {
                throw new UnreadableException(p + ": no such file");
            } catch (MalformedInputException e) {
                throw new UnreadableException(p + ": not UTF-8 text");
            } catch (IOException e) {
                throw new UnreadableException(p + ": cannot read: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Reads and loads the files for {@code peregrine rules COMMAND}; empty (after saying why on
     * {@code err}) when a file cannot be read, which the commands answer with exit status 2.
     */
    static Optional<LoadResult> load(List<Path> paths, String command, PrintWriter err) {
        try {
            return Optional.of(RuleLoader.load(read(paths)));
        } catch (UnreadableException e) {
            err.println("peregrine rules " + command + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
