package dev.nlptoolkit.models.attention;

/** Luong et al. (2015) score functions of {@link MultiplicativeAttention}. */
public enum LuongScore {
    /** q^T k: no parameters; queries and keys must have the same size. */
    DOT,
    /** q^T W_a k with a learned W_a (Eq, Ek). */
    GENERAL
}
