package dev.nlptoolkit.core;

/**
 * Input the user can fix from the message alone: a missing file or column, a bad option value, a
 * model directory that lacks a file. The command line prints the message as one line and exits with
 * status 2; anything else that escapes is a bug of ours and gets a stack trace and status 1.
 *
 * <p>The message names what is at fault (the file and line, the option, the key) and, where it can,
 * how to fix it.
 */
public class UserInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
