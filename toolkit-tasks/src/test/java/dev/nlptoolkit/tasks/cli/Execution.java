package dev.nlptoolkit.tasks.cli;

/**
 * Exit status and captured streams of one in-process {@code toolkit} invocation.
 *
 * @param status the exit status
 * @param out what the command printed on stdout
 * @param err what it printed on stderr
 */
record Execution(int status, String out, String err) {}
