package dev.nlptoolkit.models.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The padding row starts at +0, as torch's {@code padding_idx}; the other rows keep their draw. */
class TokenEmbeddingTest {

    private static final int ROWS = 7;
    private static final int SIZE = 5;
    private static final int PADDING = 2;

    @Test
    void initialisationZeroesOnlyThePaddingRow() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TokenEmbedding embedding = TokenEmbedding.builder()
                    .setNumEmbeddings(ROWS).setEmbeddingSize(SIZE).optPaddingId(PADDING).build();
            embedding.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            float[] table = embedding.getParameters().get("weight").getArray().toFloatArray();
            assertEquals(ROWS * SIZE, table.length);
            for (int r = 0; r < ROWS; r++) {
                for (int e = 0; e < SIZE; e++) {
                    float value = table[r * SIZE + e];
                    if (r == PADDING) {
                        assertEquals(0, Float.floatToRawIntBits(value), "row " + r + " is +0, not -0");
                    } else {
                        assertNotEquals(0f, value, "row " + r + " keeps its N(0, 1) draw");
                    }
                }
            }
        }
    }
}
