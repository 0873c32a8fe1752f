package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** Bad input exits 2 with one line; a bug exits 1 with a short trace; help prints no picocli warning. */
class ExitStatusTest {

    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @CommandLine.Option(names = "--bug")
        boolean bug;

        @Override
        public Integer call() {
            if (bug) {
                throw new IllegalStateException("an invariant of ours broke");
            }
            throw new UserInputException("data.csv:3: no text column");
        }
    }

    private static Execution execute(String... args) {
        return Cli.run(ToolkitCli.commandLine().addSubcommand(new Fail()), args);
    }

    @Test
    void userInputIsOneLineAndStatusTwo() {
        Execution run = execute("fail");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertEquals("toolkit: data.csv:3: no text column" + System.lineSeparator(), run.err());
    }

    /** Regression: IllegalStateException and IllegalArgumentException read as bad input, with no trace. */
    @Test
    void aBugIsStatusOneWithAShortTrace() {
        Execution run = execute("fail", "--bug");
        assertEquals(ToolkitCli.EXIT_INTERNAL_ERROR, run.status());
        String[] lines = run.err().split("\\R");
        assertTrue(lines[0].contains("internal error") && lines[0].contains("an invariant of ours broke"), run.err());
        assertTrue(lines[1].strip().startsWith("at " + Fail.class.getName()), run.err());
        assertTrue(lines.length <= 10 && lines[lines.length - 1].contains("--verbose"), run.err());
    }

    /** Regression: an unescaped % in the description made picocli print a WARN with the help. */
    @Test
    void trainClassifierHelpPrintsNoWarning() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CommandLine cli = ToolkitCli.commandLine();
            cli.setOut(new PrintWriter(out));
            assertEquals(0, cli.execute("train-classifier", "--help"));
        } finally {
            System.setErr(original);
        }
        String stderr = captured.toString(StandardCharsets.UTF_8);
        assertFalse(stderr.contains("WARN"), stderr);
        assertTrue(out.toString().contains("10% warm-up") && out.toString().contains("--patience-steps"),
                out.toString());
    }
}
