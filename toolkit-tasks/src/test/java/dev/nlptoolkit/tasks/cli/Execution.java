package dev.nlptoolkit.tasks.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Exit status and captured streams of one in-process {@code toolkit} invocation.
 *
 * @param status the exit status
 * @param out what the command printed on stdout
 * @param err what it printed on stderr
 */
record Execution(int status, String out, String err) {

    /** Runs {@code toolkit args...} as the shell would, capturing both streams. */
    static Execution of(String... args) {
        CommandLine cli = ToolkitCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Execution(status, out.toString(), err.toString());
    }
}
