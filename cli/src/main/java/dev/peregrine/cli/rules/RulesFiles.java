package dev.peregrine.cli.rules;

import dev.peregrine.rules.RulesFile;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
