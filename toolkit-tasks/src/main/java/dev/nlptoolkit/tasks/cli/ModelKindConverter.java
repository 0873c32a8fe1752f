package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.tasks.classify.ModelKind;

import picocli.CommandLine.ITypeConverter;

import java.util.Arrays;
import java.util.Iterator;

/** Parses {@code --model} by its CLI name ({@code bilstm-attention}) and lists the names as completion candidates. */
final class ModelKindConverter implements ITypeConverter<ModelKind>, Iterable<String> {

    @Override
    public ModelKind convert(String value) {
        return ModelKind.parse(value);
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(ModelKind.values()).map(ModelKind::cliName).iterator();
    }
}
