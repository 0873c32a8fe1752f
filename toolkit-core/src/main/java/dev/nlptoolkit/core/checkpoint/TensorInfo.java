package dev.nlptoolkit.core.checkpoint;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header: its name, element type, shape and byte range inside
 * the data section (begin inclusive, end exclusive, relative to the end of the header).
 */
public record TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
