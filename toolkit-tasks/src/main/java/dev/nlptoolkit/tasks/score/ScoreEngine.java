package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;

import java.io.IOException;

/**
 * Runs a {@link ScoreJob}: {@link LocalScoreEngine} in this JVM, or the Spark engine of the
 * {@code toolkit-spark} module ({@value #SPARK_ENGINE_CLASS}), which {@code score --engine spark} loads
 * by name so that this module stays free of Spark. An implementation has a public no-argument
 * constructor.
 */
public interface ScoreEngine {

    String SPARK_ENGINE_CLASS = "dev.nlptoolkit.spark.SparkScoreEngine";

    /**
     * Scores {@code job.input()} into {@code job.output()}: one output record per input record, in input
     * order, with the columns of {@link OutputSchema}.
     *
     * @throws UserInputException when the job cannot run as given (a column absent or taken, a
     *     resume against changed input); the message says why
     */
    ScoreSummary run(ScoreJob job) throws IOException, CheckpointException;
}
