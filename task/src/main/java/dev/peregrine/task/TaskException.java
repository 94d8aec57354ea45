package dev.peregrine.task;

/** Why a task cannot be read or run; the message names the file, container or field and what was expected. */
public class TaskException extends Exception {
    public TaskException(String message) {
        super(message);
    }

    public TaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
