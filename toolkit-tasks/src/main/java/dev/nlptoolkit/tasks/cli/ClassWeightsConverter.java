package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.tasks.classify.ClassWeights;

import picocli.CommandLine.ITypeConverter;

/** Parses {@code --class-weights}: {@code balanced}, {@code none} or the path of a JSON file. */
final class ClassWeightsConverter implements ITypeConverter<ClassWeights> {

    @Override
    public ClassWeights convert(String value) {
        return ClassWeights.parse(value);
    }
}
