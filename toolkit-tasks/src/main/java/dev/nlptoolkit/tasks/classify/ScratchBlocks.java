package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.models.classifier.TextClassifier;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

/** The from-scratch classifier Blocks of toolkit-models, by kind: configs and construction. */
final class ScratchBlocks {

    /** Blocks are initialised for a (1, 1) batch; their parameters do not depend on B or T. */
    private static final Shape INIT_SHAPE = new Shape(1, 1);

    private ScratchBlocks() {}

    /** The Block config of {@code kind} with toolkit-models' default sizes. */
    static JsonObject defaultConfig(ModelKind kind, int vocabularySize, int numClasses) {
        throw new UnsupportedOperationException(kind + " arrives with the models-classifier work");
    }

    /** A new, uninitialised Block from its config. */
    static TextClassifier create(JsonObject config) {
        throw new UnsupportedOperationException("from-scratch models arrive with the models-classifier work");
    }

    /** The input shapes (ids, mask) to initialise a Block with. */
    static Shape[] inputShapes() {
        return new Shape[] {INIT_SHAPE, INIT_SHAPE};
    }
}
