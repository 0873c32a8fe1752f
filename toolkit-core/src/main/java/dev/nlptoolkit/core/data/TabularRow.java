package dev.nlptoolkit.core.data;

import java.util.List;

/**
 * One record of a delimited file.
 *
 * @param line the 1-based line the record starts on
 * @param example the text, pair and label read from the configured columns
 * @param fields every field of the record, in file order (for copying input columns to an output)
 */
public record TabularRow(long line, Example example, List<String> fields) {}
