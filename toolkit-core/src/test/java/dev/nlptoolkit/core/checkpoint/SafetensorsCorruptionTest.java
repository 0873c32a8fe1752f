package dev.nlptoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-made corrupt safetensors files: each must fail with a {@link CheckpointException} naming the
 * file (and the tensor at fault, where there is one), before any tensor memory is allocated.
 */
class SafetensorsCorruptionTest {

    /** Two F32 elements: the data of the one-tensor files below. */
    private static final byte[] EIGHT_BYTES = new byte[8];

    private static final String ONE_TENSOR = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    @TempDir Path tmp;

    /** The bytes of a safetensors file: little-endian u64 header length, header, data. */
    private static byte[] safetensors(String header, byte[] data) {
        return safetensors(header.getBytes(StandardCharsets.UTF_8), data);
    }

    private static byte[] safetensors(byte[] header, byte[] data) {
        return concat(lengthPrefix(header.length), header, data);
    }

    private static byte[] lengthPrefix(long declared) {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Writes {@code bytes}, checks that both the header reader and the tensor reader refuse them. */
    private CheckpointException rejected(String name, byte[] bytes) throws Exception {
        Path file = tmp.resolve(name + ".safetensors");
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsHeader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertEquals(file, e.file());
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointException onRead =
                    assertThrows(CheckpointException.class, () -> SafeTensors.read(file, manager));
            assertEquals(e.getMessage(), onRead.getMessage());
        }
        return e;
    }

    private static void assertTensor(String tensor, CheckpointException e) {
        assertEquals(tensor, e.tensor(), e.getMessage());
        assertTrue(e.getMessage().contains("tensor '" + tensor + "'"), e.getMessage());
    }

    private static void assertMentions(String fragment, CheckpointException e) {
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void theValidBaseFileIsAccepted() throws Exception {
        Path file = tmp.resolve("valid.safetensors");
        Files.write(file, safetensors(ONE_TENSOR, EIGHT_BYTES));
        assertEquals(2, SafetensorsHeader.read(file).parameterCount());
    }

    @Test
    void truncatedData() throws Exception {
        CheckpointException e = rejected("truncated", safetensors(ONE_TENSOR, new byte[5]));
        assertTensor("w", e);
        assertMentions("truncated", e);
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws Exception {
        CheckpointException e = rejected("short", new byte[] {1, 0, 0});
        assertNull(e.tensor());
        assertMentions("too short", e);
    }

    @Test
    void headerLengthPastTheEnd() throws Exception {
        byte[] header = ONE_TENSOR.getBytes(StandardCharsets.UTF_8);
        CheckpointException e =
                rejected("header-past-end", concat(lengthPrefix(header.length + 100L), header, EIGHT_BYTES));
        assertMentions("runs past the end of the file", e);
    }

    @Test
    void hugeDeclaredHeaderLengthsAllocateNothing() throws Exception {
        CheckpointException twoTo62 = rejected("huge", concat(lengthPrefix(1L << 62), EIGHT_BYTES));
        assertMentions(Long.toString(1L << 62), twoTo62);
        // u64 max reads as -1 in a Java long; the message gives the unsigned value the file declares.
        CheckpointException u64Max = rejected("u64max", concat(lengthPrefix(-1L), EIGHT_BYTES));
        assertMentions("18446744073709551615", u64Max);
    }

    @Test
    void overlappingRanges() throws Exception {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        CheckpointException e = rejected("overlap", safetensors(header, EIGHT_BYTES));
        assertTensor("b", e);
        assertMentions("overlaps that of 'a'", e);
    }

    @Test
    void gapBetweenRanges() throws Exception {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        CheckpointException e = rejected("gap", safetensors(header, new byte[12]));
        assertTensor("b", e);
        assertMentions("gap of 4", e);
    }

    @Test
    void trailingBytes() throws Exception {
        CheckpointException e = rejected("trailing", safetensors(ONE_TENSOR, new byte[11]));
        assertMentions("3 bytes after the last tensor", e);
    }

    @Test
    void unknownDtype() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("dtype", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("unknown dtype 'F31'", e);
    }

    @Test
    void shapeDisagreesWithByteRange() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("shape-size", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("needs 12 bytes but data_offsets give 8", e);
    }

    @Test
    void shapeTooLargeToAddress() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("shape-overflow", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
    }

    @Test
    void headerIsNotUtf8() throws Exception {
        byte[] header = ONE_TENSOR.getBytes(StandardCharsets.UTF_8);
        header[3] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
        CheckpointException e = rejected("latin", safetensors(header, EIGHT_BYTES));
        assertMentions("not valid UTF-8", e);
    }

    @Test
    void malformedJson() throws Exception {
        CheckpointException cut = rejected("cut-json", safetensors("{\"w\":{\"dtype\":\"F32\"", EIGHT_BYTES));
        assertTensor("w", cut);
        assertMentions("not well-formed", cut);
        CheckpointException array = rejected("array-json", safetensors("[1, 2]  ", EIGHT_BYTES));
        assertMentions("not well-formed", array);
        CheckpointException afterObject = rejected("two-objects", safetensors(ONE_TENSOR + "{}", EIGHT_BYTES));
        assertMentions("not well-formed", afterObject);
    }

    @Test
    void duplicateTensorName() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        CheckpointException e = rejected("duplicate", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("appears twice", e);
    }

    @Test
    void duplicateFieldInOneEntry() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("duplicate-field", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("'dtype' appears twice", e);
    }

    @Test
    void negativeShape() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("negative", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("negative value -2", e);
    }

    @Test
    void numbersWrittenAsStrings() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("quoted-number", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("where a number belongs", e);
    }

    @Test
    void beginAfterEnd() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}";
        CheckpointException e = rejected("begin-after-end", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("begin <= end", e);
    }

    @Test
    void unknownField() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"stride\":[1]}}";
        CheckpointException e = rejected("unknown-field", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("unknown header field 'stride'", e);
    }

    @Test
    void missingField() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}";
        CheckpointException e = rejected("missing-field", safetensors(header, EIGHT_BYTES));
        assertTensor("w", e);
        assertMentions("needs dtype, shape and data_offsets", e);
    }

    @Test
    void metadataValueNotAString() throws Exception {
        String header = "{\"__metadata__\":{\"format\":1}," + ONE_TENSOR.substring(1);
        CheckpointException e = rejected("metadata", safetensors(header, EIGHT_BYTES));
        assertMentions("__metadata__ value of 'format' is not a string", e);
    }
}
