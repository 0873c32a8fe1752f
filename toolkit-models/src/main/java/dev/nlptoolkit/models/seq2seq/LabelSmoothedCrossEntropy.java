package dev.nlptoolkit.models.seq2seq;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Token-level cross-entropy with label smoothing (Szegedy et al. 2016) that ignores padding, as
 * torch's {@code F.cross_entropy(logits, targets, label_smoothing=eps, ignore_index=pad)}: per real
 * token, (1 - eps) (-log p[target]) + eps mean_v(-log p[v]). DJL's MaskedSoftmaxCrossEntropyLoss is
 * not used because it fails on the PyTorch engine.
 *
 * <p>Shapes: logits (B, T, V), targets (B, T) integer ids with {@code padId} at padding.
 */
public final class LabelSmoothedCrossEntropy {

    /** The smoothing of Vaswani et al. 2017 and fairseq's usual setting. */
    public static final float DEFAULT_SMOOTHING = 0.1f;
    private static final int VOCAB_AXIS = -1;

    private final float smoothing;
    private final int padId;

    /**
     * @param smoothing eps in [0, 1)
     * @param padId the target id that contributes nothing
     */
    public LabelSmoothedCrossEntropy(float smoothing, int padId) {
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + smoothing);
        }
        this.smoothing = smoothing;
        this.padId = padId;
    }

    public float smoothing() {
        return smoothing;
    }

    public int padId() {
        return padId;
    }

    /** The loss summed over real tokens, a scalar; divide by {@link #tokens} to average over several batches. */
    public NDArray sum(NDArray logits, NDArray targets) {
        NDArray ids = targets.getDataType() == DataType.INT64 ? targets : targets.toType(DataType.INT64, false);
        NDArray logProbabilities = logits.logSoftmax(VOCAB_AXIS);
        // (B, T, V) -> (B, T): -log p of each target; the pad id indexes a real row, masked below
        NDArray nll = logProbabilities.gather(ids.expandDims(VOCAB_AXIS), VOCAB_AXIS).squeeze(VOCAB_AXIS).neg();
        // (B, T, V) -> (B, T)
        NDArray uniform = logProbabilities.mean(new int[] {VOCAB_AXIS}).neg();
        NDArray perToken = NativeArrays.mul(nll, 1 - smoothing).add(NativeArrays.mul(uniform, smoothing));
        return perToken.mul(realTokens(targets, logits.getDataType())).sum();
    }

    /** The mean over real tokens, torch's {@code reduction="mean"}: the training loss of a batch. */
    public NDArray mean(NDArray logits, NDArray targets) {
        return sum(logits, targets).div(realTokens(targets, logits.getDataType()).sum());
    }

    /** The number of real (non-padding) tokens in {@code targets}. */
    public long tokens(NDArray targets) {
        return targets.neq(padId).sum().toType(DataType.INT64, false).getLong();
    }

    private NDArray realTokens(NDArray targets, DataType type) {
        return targets.neq(padId).toType(type, false);
    }
}
