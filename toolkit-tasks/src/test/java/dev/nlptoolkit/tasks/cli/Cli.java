package dev.nlptoolkit.tasks.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in this JVM, capturing what it prints. */
final class Cli {

    private Cli() {}

    static Execution run(String... args) {
        return run(ToolkitCli.commandLine(), args);
    }

    static Execution run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    static Execution run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Execution(status, out.toString(), err.toString());
    }
}
