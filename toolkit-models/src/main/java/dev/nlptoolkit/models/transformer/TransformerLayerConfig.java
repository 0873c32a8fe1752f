package dev.nlptoolkit.models.transformer;

/**
 * The hyper-parameters of one transformer layer, shared by encoder and decoder layers and stacks.
 *
 * @param embedDim E, the model size
 * @param heads N, attention heads; must divide E
 * @param feedForwardDim F, the hidden size of the feed-forward block
 * @param dropout on attention weights and on each sublayer's output, while training
 * @param activation inside the feed-forward block
 * @param normPlacement around each residual sublayer
 * @param layerNormEps added to the variance in every LayerNorm
 */
public record TransformerLayerConfig(
        int embedDim,
        int heads,
        int feedForwardDim,
        float dropout,
        Activation activation,
        NormPlacement normPlacement,
        float layerNormEps) {

    /** torch.nn.TransformerEncoderLayer's default dropout. */
    public static final float DEFAULT_DROPOUT = 0.1f;

    public TransformerLayerConfig {
        if (embedDim <= 0 || heads <= 0 || feedForwardDim <= 0) {
            throw new IllegalArgumentException("transformer layer sizes must be positive, got embedDim " + embedDim
                    + ", heads " + heads + ", feedForwardDim " + feedForwardDim);
        }
        if (embedDim % heads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by " + heads
                    + " heads; choose heads dividing embedDim");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (activation == null || normPlacement == null) {
            throw new IllegalArgumentException("activation and normPlacement are required (e.g. RELU, POST)");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be positive (e.g. 1e-5), got " + layerNormEps);
        }
    }

    /** torch.nn.TransformerEncoderLayer's defaults: dropout 0.1, ReLU, post-norm, eps 1e-5. */
    public static TransformerLayerConfig of(int embedDim, int heads, int feedForwardDim) {
        return new TransformerLayerConfig(embedDim, heads, feedForwardDim, DEFAULT_DROPOUT, Activation.RELU,
                NormPlacement.POST, LayerNorm.DEFAULT_EPS);
    }

    public TransformerLayerConfig withDropout(float value) {
        return new TransformerLayerConfig(embedDim, heads, feedForwardDim, value, activation, normPlacement, layerNormEps);
    }

    public TransformerLayerConfig withActivation(Activation value) {
        return new TransformerLayerConfig(embedDim, heads, feedForwardDim, dropout, value, normPlacement, layerNormEps);
    }

    public TransformerLayerConfig withNormPlacement(NormPlacement value) {
        return new TransformerLayerConfig(embedDim, heads, feedForwardDim, dropout, activation, value, layerNormEps);
    }

    public TransformerLayerConfig withLayerNormEps(float value) {
        return new TransformerLayerConfig(embedDim, heads, feedForwardDim, dropout, activation, normPlacement, value);
    }
}
