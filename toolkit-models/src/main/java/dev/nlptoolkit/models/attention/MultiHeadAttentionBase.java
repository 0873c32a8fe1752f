package dev.nlptoolkit.models.attention;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.linear.Linears;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The projections shared by {@link SelfAttention} and {@link CrossAttention}, laid out as
 * {@code torch.nn.MultiheadAttention}: {@code in_proj_weight} (3E, E) stacks W_q; W_k; W_v and is
 * split at forward, {@code in_proj_bias} (3E), and the {@code out_proj} Linear (E -> E).
 */
abstract class MultiHeadAttentionBase extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Rows of in_proj per projection: query, key, value. */
    private static final int PROJECTIONS = 3;

    private final int embedDim;
    private final int heads;
    private final float dropout;
    private final boolean returnWeights;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    /** Rows of in_proj for the query, and for the key and value: built once, not parsed per call. */
    private final NDIndex queryRows;
    private final NDIndex keyValueRows;

    MultiHeadAttentionBase(BaseBuilder<?> builder) {
        super(VERSION);
        embedDim = builder.embedDim;
        heads = builder.heads;
        dropout = builder.dropout;
        returnWeights = builder.returnWeights;
        inProjWeight = addParameter(
                Parameter.builder().setName("in_proj_weight").setType(Parameter.Type.WEIGHT).build());
        inProjBias = addParameter(
                Parameter.builder().setName("in_proj_bias").setType(Parameter.Type.BIAS).build());
        outProj = addChildBlock("out_proj", Linear.builder().setUnits(embedDim).build());
        queryRows = new NDIndex().addSliceDim(0, embedDim);
        keyValueRows = new NDIndex().addSliceDim(embedDim, (long) PROJECTIONS * embedDim);
    }

    public int getEmbedDim() {
        return embedDim;
    }

    public int getHeads() {
        return heads;
    }

    /** Queries and keys/values projected from one sequence, each split into heads (B, N, T, H). */
    record Projected(NDArray query, KeyValue keyValue) {}

    /** Projects {@code x} (B, T, E) with W_q and splits heads: (B, N, T, H). */
    NDArray projectQuery(ParameterStore ps, NDArray x, boolean training) {
        return ScaledDotProductAttention.splitHeads(project(ps, x, queryRows, training), heads);
    }

    /** Projects {@code x} (B, T, E) with W_k and W_v and splits heads: two (B, N, T, H). */
    KeyValue projectKeyValue(ParameterStore ps, NDArray x, boolean training) {
        // (B, T, 2E) -> 2 x (B, T, E); split takes no negative axis on PyTorch
        NDList kv = project(ps, x, keyValueRows, training).split(2, 2);
        return new KeyValue(
                ScaledDotProductAttention.splitHeads(kv.get(0), heads),
                ScaledDotProductAttention.splitHeads(kv.get(1), heads));
    }

    /**
     * Projects {@code x} (B, T, E) with all of in_proj in one product, as torch's self-attention does
     * (no slicing of the weights, one (B T, E) x (E, 3E) product instead of two), and splits heads.
     */
    Projected projectAll(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(inProjWeight, x.getDevice(), training);
        NDArray b = ps.getValue(inProjBias, x.getDevice(), training);
        // (B, T, 3E) -> 3 x (B, T, E)
        NDList qkv = Linears.linear(x, w, b).split(PROJECTIONS, 2);
        return new Projected(ScaledDotProductAttention.splitHeads(qkv.get(0), heads), new KeyValue(
                ScaledDotProductAttention.splitHeads(qkv.get(1), heads),
                ScaledDotProductAttention.splitHeads(qkv.get(2), heads)));
    }

    private NDArray project(ParameterStore ps, NDArray x, NDIndex rows, boolean training) {
        // the slices go to x's manager: in the parameters' they would pile up, one pair per call
        NDArray w = ps.getValue(inProjWeight, x.getDevice(), training).get(x.getManager(), rows);
        NDArray b = ps.getValue(inProjBias, x.getDevice(), training).get(x.getManager(), rows);
        return Linears.linear(x, w, b);
    }

    /**
     * Attention of projected queries (B, N, Tq, H) over projected keys/values, then out_proj.
     *
     * @param visible broadcastable to (B, N, Tq, Tk), boolean or additive (see
     *     {@link ScaledDotProductAttention#apply}), or null
     * @return output (B, Tq, E) and per-head probabilities (B, N, Tq, Tk)
     */
    AttentionOutput attendHeads(
            ParameterStore ps, NDArray query, KeyValue keyValue, NDArray visible, boolean training) {
        ScaledDotProductAttention.Result r = ScaledDotProductAttention.apply(
                query, keyValue.key(), keyValue.value(), visible, dropout, training);
        // (B, N, Tq, H) -> (B, Tq, E)
        NDArray merged = ScaledDotProductAttention.mergeHeads(r.output());
        NDArray out = Linears.forward(ps, outProj, merged, training);
        return new AttentionOutput(out, r.probabilities());
    }

    /** The typed forward pass of the concrete attention. */
    abstract AttentionOutput attend(ParameterStore ps, AttentionInput input, boolean training);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return attend(ps, AttentionInput.fromNDList(inputs), training).toNDList(returnWeights);
    }

    /** Output (B, Tq, E), then weights (B, N, Tq, Tk) when built with optReturnWeights. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape query = inputShapes[0];
        if (!returnWeights) {
            return new Shape[] {query};
        }
        long keyLength = keyLength(inputShapes);
        return new Shape[] {query, new Shape(query.get(0), heads, query.get(1), keyLength)};
    }

    /** Tk, read from the shapes of {@link AttentionInput#toNDList()}. */
    abstract long keyLength(Shape[] inputShapes);

    @Override
    protected void prepare(Shape[] inputShapes) {
        inProjWeight.setShape(new Shape(PROJECTIONS * embedDim, embedDim));
        inProjBias.setShape(new Shape(PROJECTIONS * embedDim));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        outProj.initialize(manager, dataType, new Shape(1, embedDim));
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeInt(embedDim);
        os.writeInt(heads);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException(getClass().getSimpleName() + ": unsupported encoding version "
                    + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        int savedEmbed = is.readInt();
        int savedHeads = is.readInt();
        if (savedEmbed != embedDim || savedHeads != heads) {
            throw new MalformedModelException(getClass().getSimpleName() + " was saved with embedDim "
                    + savedEmbed + " and " + savedHeads + " heads but built with embedDim " + embedDim
                    + " and " + heads + " heads: build it with the saved sizes");
        }
    }

    /** The sizes and options shared by both attentions' builders. */
    abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        private int embedDim;
        private int heads;
        private float dropout;
        private boolean returnWeights;

        abstract T self();

        /** E, the size of queries, keys, values and output. Required. */
        public T setEmbedDim(int embedDim) {
            this.embedDim = embedDim;
            return self();
        }

        /** N, the number of heads; must divide E. Required. */
        public T setHeads(int heads) {
            this.heads = heads;
            return self();
        }

        /** Probability of dropping an attention weight while training (default 0). */
        public T optDropout(float dropout) {
            this.dropout = dropout;
            return self();
        }

        /** Whether the Block's NDList output also carries the per-head weights (default false). */
        public T optReturnWeights(boolean returnWeights) {
            this.returnWeights = returnWeights;
            return self();
        }

        void validate(String what) {
            if (embedDim <= 0 || heads <= 0) {
                throw new IllegalArgumentException(what + " needs setEmbedDim(E > 0) and setHeads(N > 0), got E="
                        + embedDim + ", N=" + heads);
            }
            if (embedDim % heads != 0) {
                throw new IllegalArgumentException(what + ": embedDim " + embedDim + " is not divisible by "
                        + heads + " heads; choose N dividing E (head size H = E / N)");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException(what + ": dropout must be in [0, 1), got " + dropout);
            }
        }
    }
}
