package dev.nlptoolkit.core.checkpoint;

import ai.djl.ndarray.types.DataType;

/** The element types of the safetensors format, with their width and DJL counterpart. */
public enum TensorDType {
    // Declared in the rank order of the reference (Rust) implementation, which writes tensors
    // sorted by descending rank then name; keeping it lets our files match theirs byte for byte.
    BOOL(1, DataType.BOOLEAN),
    U8(1, DataType.UINT8),
    I8(1, DataType.INT8),
    F8_E5M2(1, null),
    F8_E4M3(1, null),
    I16(2, DataType.INT16),
    U16(2, null),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16),
    I32(4, DataType.INT32),
    U32(4, DataType.UINT32),
    F32(4, DataType.FLOAT32),
    F64(8, DataType.FLOAT64),
    I64(8, DataType.INT64),
    U64(8, DataType.UINT64);

    private final int bytes;
    private final DataType djl;

    TensorDType(int bytes, DataType djl) {
        this.bytes = bytes;
        this.djl = djl;
    }

    /** Width of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The DJL type, or null when DJL has none and the tensor cannot become an NDArray. */
    public DataType djlType() {
        return djl;
    }

    /** The safetensors dtype for a DJL type. */
    public static TensorDType of(DataType type) {
        for (TensorDType t : values()) {
            if (t.djl == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("safetensors has no dtype for DJL type " + type);
    }

    /** Parses a header dtype name; null when the name is unknown. */
    static TensorDType parse(String name) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
