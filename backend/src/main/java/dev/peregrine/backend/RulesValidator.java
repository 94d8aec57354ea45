package dev.peregrine.backend;

import dev.peregrine.protocol.RulesFileContent;
import java.util.List;

/**
 * Checks a complete set of rules files, in load order, before any of them is stored: a file
 * may use lists and macros of the files before it, so files are never judged alone.
 */
public interface RulesValidator {

    /** One finding, positioned like a compiler message ({@code file:line:column}); line and column count from 1, 0 when unknown. */
    record Problem(Severity severity, String code, String message, String file, int line, int column) {
        public enum Severity { ERROR, WARNING }

        public String position() {
            return file + ":" + line + ":" + column;
        }
    }

    List<Problem> validate(List<RulesFileContent> files);

    static boolean hasErrors(List<Problem> problems) {
        return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }
}
