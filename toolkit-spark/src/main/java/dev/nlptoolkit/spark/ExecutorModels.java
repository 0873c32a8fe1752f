package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.score.ModelFingerprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM, loaded once per {@link ModelRef} and shared by every task that runs here (the
 * executor's, or in local mode the driver's), closed when the JVM shuts down. Tasks do not use a shared
 * model directly: each takes its own {@link ClassifierModel#predictor()}.
 */
final class ExecutorModels {

    private static final Map<ModelRef, ClassifierModel> MODELS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "toolkit-models-close"));
    }

    private ExecutorModels() {}

    /**
     * The model of {@code ref}, loading it on first use; tasks asking meanwhile wait for that one load.
     *
     * @throws IllegalStateException when the files here are not the ones the driver fingerprinted (a stale
     *     copy on this node)
     */
    static ClassifierModel shared(ModelRef ref) {
        return MODELS.computeIfAbsent(ref, ExecutorModels::load);
    }

    private static ClassifierModel load(ModelRef ref) {
        try {
            String here = ModelFingerprint.of(ref.path());
            if (!here.equals(ref.fingerprint())) {
                throw new IllegalStateException(ref.directory() + ": the model files on this node (SHA-256 " + here
                        + ") differ from the driver's (" + ref.fingerprint() + "); give every node the same copy,"
                        + " e.g. with spark-submit --archives");
            }
            return ClassifierModel.load(ref.path(), ref.device());
        } catch (IOException e) {
            throw new UncheckedIOException(ref.directory() + ": cannot load the model: " + e.getMessage(), e);
        } catch (CheckpointException e) {
            throw new IllegalStateException(ref.directory() + ": cannot load the model: " + e.getMessage(), e);
        }
    }

    private static void closeAll() {
        MODELS.values().forEach(ClassifierModel::close);
        MODELS.clear();
    }
}
