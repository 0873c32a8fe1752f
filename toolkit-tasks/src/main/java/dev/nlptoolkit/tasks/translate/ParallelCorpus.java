package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.ParallelTextReader;
import dev.nlptoolkit.core.data.SentencePair;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The sentence pairs of a source file and its line-aligned target file (UTF-8, gzip or not), e.g.
 * Multi30k's {@code train.en.gz} and {@code train.de.gz}.
 *
 * @param source the source file
 * @param target the target file
 * @param pairs every line pair, empty lines included
 */
public record ParallelCorpus(Path source, Path target, List<SentencePair> pairs) {

    public ParallelCorpus {
        pairs = List.copyOf(pairs);
    }

    /**
     * Reads both files.
     *
     * @throws UserInputException when a file is missing, the files have different line counts (the
     *     message names both files and counts) or a line is not UTF-8 (naming file and line)
     */
    public static ParallelCorpus read(Path source, Path target) {
        try {
            return new ParallelCorpus(source, target, ParallelTextReader.read(source, target));
        } catch (NoSuchFileException e) {
            throw new UserInputException(e.getFile() + ": no such file", e);
        } catch (DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + source + " and " + target + ": " + e, e);
        }
    }

    public int size() {
        return pairs.size();
    }

    /** The source sentences, in order. */
    public List<String> sources() {
        return pairs.stream().map(SentencePair::source).toList();
    }

    /** The target sentences, in order. */
    public List<String> targets() {
        return pairs.stream().map(SentencePair::target).toList();
    }

    /** The first {@code n} pairs (all when there are fewer). */
    public ParallelCorpus head(int n) {
        return new ParallelCorpus(source, target, pairs.subList(0, Math.min(n, pairs.size())));
    }

    /** "source + target", for messages and provenance. */
    public String describe() {
        return source + " + " + target;
    }
}
