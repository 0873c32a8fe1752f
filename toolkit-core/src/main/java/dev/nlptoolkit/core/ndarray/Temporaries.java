package dev.nlptoolkit.core.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Frees a computation's intermediate arrays when it returns. DJL creates an operation's result in its
 * first operand's manager, so they otherwise live until the caller's manager closes: an inference pass
 * through a deep network then holds every layer's activations at once, where PyTorch frees each one
 * after its last use.
 */
public final class Temporaries {

    private Temporaries() {}

    /**
     * Runs {@code computation} in a sub-manager of the first input's manager, with {@code inputs} (nulls
     * skipped) lent to it and given back afterwards. The arrays {@code kept} picks from the result move to
     * that manager; every other array the computation created in the scope is closed.
     */
    public static <T> T freedOnReturn(Supplier<T> computation, Function<T, NDList> kept, NDArray... inputs) {
        NDArray[] lent = Arrays.stream(inputs).filter(Objects::nonNull).toArray(NDArray[]::new);
        if (lent.length == 0) {
            throw new IllegalArgumentException("no input array to scope the computation by");
        }
        NDManager caller = lent[0].getManager();
        try (NDManager scope = caller.newSubManager()) {
            scope.tempAttachAll(lent);
            T result = computation.get();
            kept.apply(result).attach(caller);
            return result;
        }
    }
}
