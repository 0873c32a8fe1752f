package dev.nlptoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

class SafeTensorsTest {

    static Path fixture(String relative) throws Exception {
        return Paths.get(SafeTensorsTest.class.getResource("/fixtures/" + relative).toURI());
    }

    @Test
    void readsEveryTensorOfTheTinyBertCheckpoint() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = SafeTensors.read(fixture("tiny-bert/model.safetensors"), manager);
            assertEquals(41, tensors.size());
            NDArray words = tensors.get("bert.embeddings.word_embeddings.weight");
            assertEquals(new Shape(30522, 32), words.getShape());
            assertEquals(DataType.FLOAT32, words.getDataType());
            assertEquals("bert.embeddings.word_embeddings.weight", words.getName());
            assertEquals(new Shape(2, 32), tensors.get("classifier.weight").getShape());
            // LayerNorm starts at weight 1, bias 0 in a freshly initialised BERT.
            assertArrayEquals(
                    new float[] {1f, 1f, 1f},
                    tensors.get("bert.embeddings.LayerNorm.weight").get("0:3").toFloatArray());
        }
    }

    @Test
    void writingBackAReferenceFileGivesTheSameBytes(@TempDir Path tmp) throws Exception {
        for (String name : new String[] {"tiny-bert/model.safetensors", "lstm/lstm.safetensors", "attention/mha.safetensors"}) {
            Path source = fixture(name);
            try (NDManager manager = NDManager.newBaseManager()) {
                SafetensorsHeader header = SafetensorsHeader.read(source);
                Path copy = tmp.resolve(source.getFileName());
                SafeTensors.write(copy, SafeTensors.read(source, manager), header.metadata());
                assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(copy), name);
            }
        }
    }
}
