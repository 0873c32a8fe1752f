package dev.nlptoolkit.tasks.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Placeholder for the end-to-end demo until the classification work lands. */
@Command(name = "demo", description = "Train a BiLSTM with attention on SST-2 (arrives with the classification work).")
public final class DemoCommand implements Callable<Integer> {

    static final String NOT_YET =
            "demo: training bilstm-attention on SST-2 arrives with the classification work; nothing to run yet";

    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(NOT_YET);
        spec.commandLine().getOut().flush();
        return ToolkitCli.EXIT_OK;
    }
}
