package dev.nlptoolkit.tasks.score;

import java.util.List;

/**
 * One record as read from an input file.
 *
 * @param line the 1-based line where the record starts
 * @param fields the fields as far as they could be read (bytes that are not UTF-8 read as U+FFFD); for
 *     JSON lines, the one line
 * @param error why the record could not be read as it should (without the line), or null
 */
public record InputRecord(long line, List<String> fields, String error) {}
