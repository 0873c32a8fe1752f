package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

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
            BertAttentionResult r = layer.apply(parameterStore, hidden, visible, training);
            hidden = r.output();
            if (keepStates) {
                states.add(hidden);
            }
            if (keepAttentions) {
                attentions.add(r.probabilities());
            }
        }
        return new Result(hidden, states, attentions);
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
