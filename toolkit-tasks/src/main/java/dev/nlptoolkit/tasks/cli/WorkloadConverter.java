package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.tasks.bench.Workload;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;

/** Reads a workload by its command-line name ({@code lstm-train}). */
final class WorkloadConverter implements ITypeConverter<Workload> {

    @Override
    public Workload convert(String value) {
        return Arrays.stream(Workload.values())
                .filter(w -> w.cliName().equalsIgnoreCase(value.strip()))
                .findFirst()
                .orElseThrow(() -> new TypeConversionException("unknown workload '" + value + "'; choose one of "
                        + Arrays.stream(Workload.values()).map(Workload::cliName).toList()));
    }
}
