package dev.nlptoolkit.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Reading validates the whole header first ({@link SafetensorsHeader}), so a corrupt file fails
 * with a {@link CheckpointException} naming the file and tensor before any memory is allocated for
 * it. Writing is atomic and lays the file out as the reference implementation does (tensors by
 * descending dtype rank, then name; header padded with spaces to 8 bytes), so reading a reference
 * file and writing it back gives the same bytes.
 */
public final class SafeTensors {

    private static final int HEADER_ALIGNMENT = 8;

    private SafeTensors() {}

    /** Reads every tensor of {@code file} into {@code manager}, in header order, named as stored. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws CheckpointException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(file, channel);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (TensorInfo info : header.tensors().values()) {
                out.put(info.name(), readTensor(file, channel, header, info, manager));
            }
            return out;
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        }
    }

    private static NDArray readTensor(
            Path file, FileChannel channel, SafetensorsHeader header, TensorInfo info, NDManager manager)
            throws IOException, CheckpointException {
        DataType type = info.dtype().djlType();
        if (type == null) {
            throw new CheckpointException(
                    file, info.name(), "dtype " + info.dtype() + " has no DJL counterpart; convert it first");
        }
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException(file, info.name(), "tensors over 2 GiB are not supported");
        }
        // safetensors is little-endian, as is every platform libtorch runs on.
        ByteBuffer data = ByteBuffer.allocateDirect((int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        SafetensorsHeader.readFully(channel, data, header.dataStart() + info.begin());
        data.flip();
        NDArray array = manager.create(data, new Shape(info.shape()), type);
        array.setName(info.name());
        return array;
    }

    /** Writes {@code tensors} to {@code file} atomically, with no metadata. */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code file} atomically. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, NDArray>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(
                Comparator.<Map.Entry<String, NDArray>>comparingInt(
                                e -> -TensorDType.of(e.getValue().getDataType()).ordinal())
                        .thenComparing(Map.Entry::getKey));
        byte[] header = header(ordered, metadata);
        AtomicFiles.write(
                file,
                out -> {
                    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    length.putLong(header.length);
                    out.write(length.array());
                    out.write(header);
                    for (Map.Entry<String, NDArray> e : ordered) {
                        out.write(littleEndianBytes(e.getValue()));
                    }
                });
    }

    private static byte[] littleEndianBytes(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.order(ByteOrder.LITTLE_ENDIAN).get(bytes);
        return bytes;
    }

    private static byte[] header(List<Map.Entry<String, NDArray>> ordered, Map<String, String> metadata)
            throws IOException {
        StringWriter json = new StringWriter();
        try (JsonWriter w = new JsonWriter(json)) {
            w.setHtmlSafe(false);
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name(SafetensorsHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, NDArray> e : ordered) {
                NDArray a = e.getValue();
                long bytes = a.size() * a.getDataType().getNumOfBytes();
                w.name(e.getKey()).beginObject();
                w.name("dtype").value(TensorDType.of(a.getDataType()).name());
                w.name("shape").beginArray();
                for (long d : a.getShape().getShape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        }
        StringBuilder padded = new StringBuilder(json.toString());
        while (padded.toString().getBytes(StandardCharsets.UTF_8).length % HEADER_ALIGNMENT != 0) {
            padded.append(' ');
        }
        return padded.toString().getBytes(StandardCharsets.UTF_8);
    }
}
