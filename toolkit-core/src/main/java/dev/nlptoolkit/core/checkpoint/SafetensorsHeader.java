package dev.nlptoolkit.core.checkpoint;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated header of a safetensors file: tensor table, metadata and where the data starts.
 *
 * <p>Everything is checked before a single tensor byte is allocated: the header length is bounded
 * by {@link #MAX_HEADER_BYTES} and by the file size, the header is strict UTF-8 JSON, every dtype is
 * known, every shape times its dtype width equals its byte range, and the ranges tile the data
 * section exactly (from 0, contiguous, non-overlapping, ending at the file's end).
 */
public final class SafetensorsHeader {

    /** The reference implementation refuses headers above 100 MB; so do we. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";
    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path file;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsHeader(
            Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.dataStart = dataStart;
    }

    /** Reads and validates the header of {@code file}; reads no tensor data. */
    public static SafetensorsHeader read(Path file) throws CheckpointException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, channel);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        }
    }

    static SafetensorsHeader read(Path file, FileChannel channel)
            throws IOException, CheckpointException {
        long size = channel.size();
        if (size < LENGTH_PREFIX_BYTES) {
            throw new CheckpointException(
                    file, "file of " + size + " bytes is too short to hold the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, prefix, 0);
        long headerLength = prefix.getLong(0);
        // A u64 above Long.MAX_VALUE reads as negative: as absurd as any length past the limit.
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(
                    file,
                    "declared header length "
                            + Long.toUnsignedString(headerLength)
                            + " exceeds the limit of "
                            + MAX_HEADER_BYTES
                            + " bytes; this is not a safetensors file or it is corrupt");
        }
        if (headerLength > size - LENGTH_PREFIX_BYTES) {
            throw new CheckpointException(
                    file,
                    "declared header length "
                            + headerLength
                            + " runs past the end of the file ("
                            + size
                            + " bytes); the file is truncated or not safetensors");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) headerLength);
        readFully(channel, raw, LENGTH_PREFIX_BYTES);
        raw.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "header is not valid UTF-8", e);
        }
        long dataStart = LENGTH_PREFIX_BYTES + headerLength;
        return parse(file, json, dataStart, size - dataStart);
    }

    private static SafetensorsHeader parse(Path file, String json, long dataStart, long dataLength)
            throws CheckpointException {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        String current = null;
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            boolean sawMetadata = false;
            while (reader.hasNext()) {
                current = reader.nextName();
                if (METADATA_KEY.equals(current)) {
                    if (sawMetadata) {
                        throw new CheckpointException(file, "header has two __metadata__ entries");
                    }
                    sawMetadata = true;
                    readMetadata(file, reader, metadata);
                } else {
                    if (tensors.containsKey(current)) {
                        throw new CheckpointException(file, current, "appears twice in the header");
                    }
                    tensors.put(current, readTensor(file, current, reader));
                }
                current = null;
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointException(file, "header has content after its JSON object");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointException(
                    file, current, "header is not well-formed safetensors JSON: " + e.getMessage(), e);
        }
        checkLayout(file, tensors, dataLength);
        return new SafetensorsHeader(file, tensors, metadata, dataStart);
    }

    private static void readMetadata(Path file, JsonReader reader, Map<String, String> metadata)
            throws IOException, CheckpointException {
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (reader.peek() != JsonToken.STRING) {
                throw new CheckpointException(
                        file, "__metadata__ value of '" + key + "' is not a string");
            }
            if (metadata.put(key, reader.nextString()) != null) {
                throw new CheckpointException(file, "__metadata__ key '" + key + "' appears twice");
            }
        }
        reader.endObject();
    }

    private static TensorInfo readTensor(Path file, String name, JsonReader reader)
            throws IOException, CheckpointException {
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        Set<String> seen = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (!seen.add(key)) {
                throw new CheckpointException(file, name, "header field '" + key + "' appears twice");
            }
            switch (key) {
                case "dtype" -> dtypeName = readString(file, name, reader, key);
                case "shape" -> shape = readNonNegativeLongs(file, name, reader, "shape");
                case "data_offsets" -> offsets = readNonNegativeLongs(file, name, reader, key);
                default -> throw new CheckpointException(file, name, "unknown header field '" + key + "'");
            }
        }
        reader.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            throw new CheckpointException(
                    file, name, "header entry needs dtype, shape and data_offsets");
        }
        TensorDType dtype = TensorDType.parse(dtypeName);
        if (dtype == null) {
            throw new CheckpointException(file, name, "unknown dtype '" + dtypeName + "'");
        }
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new CheckpointException(
                    file, name, "data_offsets must be [begin, end] with begin <= end");
        }
        long expected;
        try {
            expected = dtype.bytes();
            for (long d : shape) {
                expected = Math.multiplyExact(expected, d);
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, name, "shape is too large to address", e);
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        if (info.byteLength() != expected) {
            throw new CheckpointException(
                    file,
                    name,
                    "shape "
                            + java.util.Arrays.toString(shape)
                            + " of "
                            + dtype
                            + " needs "
                            + expected
                            + " bytes but data_offsets give "
                            + info.byteLength());
        }
        return info;
    }

    private static String readString(Path file, String name, JsonReader reader, String field)
            throws IOException, CheckpointException {
        // Gson's nextString also accepts a number; the format wants a JSON string.
        if (reader.peek() != JsonToken.STRING) {
            throw new CheckpointException(
                    file, name, field + " holds " + reader.peek() + " where a string belongs");
        }
        return reader.nextString();
    }

    private static long[] readNonNegativeLongs(
            Path file, String name, JsonReader reader, String field)
            throws IOException, CheckpointException {
        List<Long> values = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            // Gson's nextLong also accepts "3" (a string); the format wants JSON numbers.
            if (reader.peek() != JsonToken.NUMBER) {
                throw new CheckpointException(
                        file, name, field + " holds " + reader.peek() + " where a number belongs");
            }
            long v = reader.nextLong();
            if (v < 0) {
                throw new CheckpointException(file, name, field + " has a negative value " + v);
            }
            values.add(v);
        }
        reader.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The byte ranges must tile [0, dataLength) exactly: no gap, no overlap, nothing past the end. */
    private static void checkLayout(Path file, Map<String, TensorInfo> tensors, long dataLength)
            throws CheckpointException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long cursor = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.end() > dataLength) {
                throw new CheckpointException(
                        file,
                        t.name(),
                        "data range ["
                                + t.begin()
                                + ", "
                                + t.end()
                                + ") runs past the end of the data section ("
                                + dataLength
                                + " bytes); the file is truncated");
            }
            if (t.begin() < cursor) {
                throw new CheckpointException(
                        file, t.name(), "data range overlaps that of '" + previous.name() + "'");
            }
            if (t.begin() > cursor) {
                throw new CheckpointException(
                        file,
                        t.name(),
                        "gap of " + (t.begin() - cursor) + " unclaimed bytes before this tensor's data");
            }
            cursor = t.end();
            previous = t;
        }
        if (cursor != dataLength) {
            throw new CheckpointException(
                    file,
                    (dataLength - cursor)
                            + " bytes after the last tensor's data; the file size does not match its header");
        }
    }

    static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    public Path file() {
        return file;
    }

    /** Tensors in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The free-form string metadata ({@code __metadata__}); empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Absolute file offset of the first data byte. */
    public long dataStart() {
        return dataStart;
    }

    /** Total element count over all tensors. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(TensorInfo::elementCount).sum();
    }
}
