package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.core.ndarray.Temporaries;
import dev.nlptoolkit.models.attention.ScaledDotProductAttention;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The stack of L BERT layers (Devlin et al. 2019), children {@code layer.0 .. layer.{L-1}}.
 *
 * <p>Shapes: hidden (B, T, E) and attention mask (B, T) -> (B, T, E).
 */
public final class BertEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The encoder output and, on request, every intermediate state and attention map. */
    public record Result(NDArray lastHiddenState, List<NDArray> hiddenStates, List<NDArray> attentions) {}

    private final List<BertLayer> layers = new ArrayList<>();

    BertEncoder(BertConfig config) {
        super(VERSION);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(addChildBlock("layer." + i, new BertLayer(config)));
        }
    }

    /**
     * @param embedded the embedding output (B, T, E)
     * @param visible (B, 1, 1, T): boolean, true for real keys, or its additive form
     * @param extras which of the hidden states (embedded first) and attention maps to keep
     */
    public Result encode(ParameterStore parameterStore, NDArray embedded, NDArray visible, boolean training,
            Set<BertModel.Extra> extras) {
        boolean keepStates = extras.contains(BertModel.Extra.HIDDEN_STATES);
        boolean keepAttentions = extras.contains(BertModel.Extra.ATTENTIONS);
        List<NDArray> states = new ArrayList<>();
        List<NDArray> attentions = new ArrayList<>();
        NDArray hidden = embedded;
        if (keepStates) {
            states.add(hidden);
        }
        for (BertLayer layer : layers) {
            NDArray previous = hidden;
            BertAttentionResult r = training
                    ? layer.apply(parameterStore, hidden, visible, true)
                    : applyScoped(parameterStore, layer, hidden, visible, keepAttentions);
            hidden = r.output();
            if (keepStates) {
                states.add(hidden);
            } else if (!training && previous != embedded) {
                previous.close();
            }
            if (keepAttentions) {
                attentions.add(r.probabilities());
            }
        }
        return new Result(hidden, states, attentions);
    }

    /**
     * One layer without training, its intermediate arrays freed when it returns: kept until the caller's
     * manager closes, they come to some 220 MB a layer for a 64 x 128 batch of BERT-mini (the
     * feed-forward's two (B, T, 4E) arrays alone are 67 MB), and a batch's peak memory grows with the
     * depth. Training keeps them: backward needs most of them anyway.
     */
    private static BertAttentionResult applyScoped(ParameterStore parameterStore, BertLayer layer, NDArray hidden,
            NDArray visible, boolean keepProbabilities) {
        BertAttentionResult r = Temporaries.freedOnReturn(() -> layer.apply(parameterStore, hidden, visible, false),
                out -> keepProbabilities ? new NDList(out.output(), out.probabilities()) : new NDList(out.output()),
                hidden, visible);
        return keepProbabilities ? r : new BertAttentionResult(r.output(), null);
    }

    /** Hidden (B, T, E) and attention mask (B, T) -> (B, T, E). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray visible = ScaledDotProductAttention.keyVisibility(inputs.get(1));
        return new NDList(encode(parameterStore, inputs.get(0), visible, training, Set.of()).lastHiddenState());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (BertLayer layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
    }
}
