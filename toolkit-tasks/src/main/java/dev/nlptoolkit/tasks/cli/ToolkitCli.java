package dev.nlptoolkit.tasks.cli;

public final class ToolkitCli {
    public static void main(String[] args) {}
}
