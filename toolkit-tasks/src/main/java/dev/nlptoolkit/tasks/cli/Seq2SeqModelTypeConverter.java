package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.config.ConfigName;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;

import picocli.CommandLine.ITypeConverter;

import java.util.Arrays;
import java.util.Iterator;

/** Parses a translator {@code --model} by its name ({@code lstm-attention}) and lists the names as candidates. */
final class Seq2SeqModelTypeConverter implements ITypeConverter<Seq2SeqModelType>, Iterable<String> {

    @Override
    public Seq2SeqModelType convert(String value) {
        return ConfigName.parseIgnoringCase(Seq2SeqModelType.class, "model", value);
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(Seq2SeqModelType.values()).map(Seq2SeqModelType::configName).iterator();
    }
}
