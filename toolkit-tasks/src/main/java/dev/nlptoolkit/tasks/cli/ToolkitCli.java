package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code toolkit} command. Each subcommand is a class registered in {@code subcommands} below
 * whose {@code call()} parses nothing itself and delegates to a {@code run(...)} that tests call.
 *
 * <p>Exit status: {@value #EXIT_OK} success; {@value #EXIT_USER_ERROR} bad usage or input (one line
 * {@code toolkit: <file>: <reason>} on stderr); {@value #EXIT_INTERNAL_ERROR} a bug. {@code --verbose}
 * adds the stack trace.
 */
@Command(
        name = "toolkit",
        description = "Sequence models and attention on Deep Java Library.",
        subcommands = {
            InspectCommand.class,
            TrainClassifierCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            TrainTranslatorCommand.class,
            TranslateCommand.class,
            ScoreCommand.class,
            DemoCommand.class,
            BleuCommand.class,
        })
public final class ToolkitCli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL_ERROR = 1;
    public static final int EXIT_USER_ERROR = 2;

    private static final String PROGRAM = "toolkit";
    private static final String VERBOSE = "--verbose";
    /** slf4j-simple's default level. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    /** Failures the user can fix from the message alone; anything else is a bug of ours. */
    private static final List<Class<? extends Exception>> USER_ERRORS =
            List.of(
                    UserInputException.class,
                    CheckpointException.class,
                    IOException.class,
                    UncheckedIOException.class,
                    IllegalArgumentException.class,
                    IllegalStateException.class);

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = VERBOSE,
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error. Default: ${DEFAULT-VALUE}.")
    private boolean verbose;

    @Spec private CommandSpec spec;

    /** Without a subcommand there is nothing to do: show the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USER_ERROR;
    }

    /** The configured command line; tests set its out and err writers and call {@code execute}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ToolkitCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(ToolkitCli::report);
        return commandLine;
    }

    public static void main(String[] args) {
        quietLibraries(List.of(args).contains(VERBOSE));
        System.exit(commandLine().execute(args));
    }

    /**
     * Keeps DJL's INFO lines off stderr unless {@code --verbose}, so that it carries our own messages. Must
     * run before the first logger is made: slf4j-simple reads its level once. A level set with
     * {@code -D}{@value #LOG_LEVEL_PROPERTY} wins.
     */
    static void quietLibraries(boolean verbose) {
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, verbose ? "info" : "warn");
        }
    }

    private static int report(Exception e, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        boolean userError = USER_ERRORS.stream().anyMatch(type -> type.isInstance(e));
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (userError) {
            err.println(PROGRAM + ": " + message);
        } else {
            String hint = verbose(parsed) ? "" : " (rerun with " + VERBOSE + " for the stack trace)";
            err.println(PROGRAM + ": internal error: " + e + hint);
        }
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return userError ? EXIT_USER_ERROR : EXIT_INTERNAL_ERROR;
    }

    /** Whether --verbose was given, before or after the subcommand name. */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
