package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * libtorch's fused AdamW kernel ({@code torch._fused_adamw_}, what {@code torch.optim.AdamW(fused=True)}
 * runs), reached through a TorchScript module because DJL 0.36 exposes neither it nor the in-place
 * {@code lerp_}, {@code addcmul_} and {@code addcdiv_} of torch's default update. It reads each
 * parameter, gradient and moment once and writes parameter and moments once, where torch's default
 * (single-tensor) update on the CPU makes 7 passes and DJL's elementwise operators 13.
 *
 * <p>The module ({@code fused_adamw.pt}, made by {@code tools/torchscript/make_fused_adamw.py}) holds
 * no tensors, only the call; libtorch compiles it when it is loaded.
 */
final class FusedAdamWKernel {

    private static final String MODULE = "fused_adamw.pt";

    private final PtSymbolBlock module;

    /**
     * Loads the module into {@code manager}, which owns it from then on (any device: the kernel runs
     * where the tensors are).
     */
    FusedAdamWKernel(NDManager manager) {
        try (InputStream in = FusedAdamWKernel.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException(MODULE + " is missing from the class path beside "
                        + FusedAdamWKernel.class.getName() + ": the toolkit-core jar is incomplete");
            }
            module = JniUtils.loadModule((PtNDManager) manager, in, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODULE + " from the toolkit-core jar", e);
        }
    }

    /**
     * One update of parameters that share {@code lr} and {@code weightDecay}, in place: for each,
     * {@code p *= 1 - lr wd}, the moments {@code m}, {@code v} move towards {@code g} and {@code g^2},
     * and {@code p -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
     *
     * @param steps each parameter's update count t, this one included, as float32 scalars
     */
    void update(List<NDArray> params, List<NDArray> grads, List<NDArray> expAvgs, List<NDArray> expAvgSqs,
            List<NDArray> steps, double lr, double beta1, double beta2, double weightDecay, double eps) {
        List<IValue> inputs = new ArrayList<>();
        try {
            inputs.add(tensors(params));
            inputs.add(tensors(grads));
            inputs.add(tensors(expAvgs));
            inputs.add(tensors(expAvgSqs));
            inputs.add(tensors(steps));
            for (double scalar : new double[] {lr, beta1, beta2, weightDecay, eps}) {
                inputs.add(IValue.from(scalar));
            }
            module.forward(inputs.toArray(IValue[]::new)).close();
        } finally {
            inputs.forEach(IValue::close);
        }
    }

    private static IValue tensors(List<NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
    }
}
