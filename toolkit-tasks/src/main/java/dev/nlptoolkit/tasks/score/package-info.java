/**
 * Batch scoring of CSV, TSV and JSON-lines files: one output record per input record, in input order,
 * every input column kept and {@code label}, {@code score}, {@code error} added.
 *
 * <ul>
 *   <li>The record-level core, shared by every engine and free of file I/O:
 *       {@link dev.nlptoolkit.tasks.score.ScoreOptions}, {@link dev.nlptoolkit.tasks.score.OutputSchema}
 *       (columns, clashes, input fields to {@link dev.nlptoolkit.tasks.score.ScoreInput}, results to output
 *       fields, score digits) and {@link dev.nlptoolkit.tasks.score.BatchScorer} (a loaded model, lists of
 *       records in, {@link dev.nlptoolkit.tasks.score.ScoreResult}s out).
 *   <li>Files: {@link dev.nlptoolkit.tasks.score.RecordReader} (bytes, per-record UTF-8, quote recovery,
 *       offsets) and {@link dev.nlptoolkit.tasks.score.RecordWriter}.
 *   <li>Engines: {@link dev.nlptoolkit.tasks.score.ScoreEngine} runs a
 *       {@link dev.nlptoolkit.tasks.score.ScoreJob} into a {@link dev.nlptoolkit.tasks.score.ScoreSummary};
 *       {@link dev.nlptoolkit.tasks.score.LocalScoreEngine} streams on this machine, the Spark engine lives
 *       in the {@code toolkit-spark} module.
 * </ul>
 */
package dev.nlptoolkit.tasks.score;
