package dev.nlptoolkit.models.adversarial;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.classifier.ClassificationLoss;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.ClassifierOutput;
import dev.nlptoolkit.models.classifier.TextClassifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Adversarial training of any {@link TextClassifier} on its word embeddings (Miyato, Dai and
 * Goodfellow 2017, "Adversarial Training Methods for Semi-Supervised Text Classification"):
 *
 * <pre>
 * g    = d CE(f(e), y) / d e                      gradient w.r.t. the embedding activations e (B, T, E)
 * r    = epsilon * g / ||g||_2                    per example, over its real tokens; 0 on padding; constant
 * loss = CE(f(e), y) + alpha * CE(f(e + r), y)
 *      + beta * KL(p(e) || p(e + r))              p(e) constant (virtual adversarial term)
 *      + gamma * MSE(h(e), h(e + r))              h the classifier's representation
 * </pre>
 *
 * <p><b>How g is computed.</b> DJL has no {@code torch.autograd.grad}, and a backward pass through the
 * model would add to the parameters' gradients, which the training loop accumulates. So the
 * embeddings are copied to a detached leaf that requires a gradient, every parameter that takes a
 * gradient is frozen ({@code requires_grad = false}) for one forward and backward pass of the clean
 * loss, and the leaf's gradient is read; then the parameters are unfrozen. The parameters' gradients
 * are never touched, so this works inside a gradient collector and with gradient accumulation. The
 * cost is one extra forward pass (three in all); while training, that pass draws its own dropout.
 *
 * <p>{@link #attack} applies the same one-step, epsilon-bounded L2 perturbation at test time, with the
 * true label: the accuracy under it measures robustness.
 */
public final class AdversarialTraining {

    /** Keeps a zero gradient from becoming 0/0 when normalising. */
    private static final float TINY = 1e-12f;
    private static final int CLASS_AXIS = -1;
    private static final int EXAMPLE_AXIS = 1;
    private static final int FEATURE_AXIS = 2;

    private final TextClassifier model;
    private final float epsilon;
    private final float alpha;
    private final float beta;
    private final float gamma;

    private AdversarialTraining(Builder builder) {
        model = builder.model;
        epsilon = builder.epsilon;
        alpha = builder.alpha;
        beta = builder.beta;
        gamma = builder.gamma;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TextClassifier getModel() {
        return model;
    }

    public float getEpsilon() {
        return epsilon;
    }

    /**
     * The training loss (a scalar) of one batch, to be back-propagated by the caller: clean
     * cross-entropy plus the weighted adversarial, virtual adversarial and representation terms.
     *
     * @param labels (B) int64 class ids
     * @param training whether dropout is on (true while training)
     */
    public NDArray loss(ParameterStore parameterStore, ClassifierInput input, NDArray labels, boolean training) {
        NDArray embeddings = model.embed(parameterStore, input, training);
        NDArray r = perturbation(parameterStore, input, labels, embeddings, training);
        ClassifierOutput clean = model.classifyEmbedded(parameterStore, embeddings, input, training);
        ClassifierOutput perturbed = model.classifyEmbedded(parameterStore, embeddings.add(r), input, training);
        NDArray cleanLoss = ClassificationLoss.crossEntropy(clean.logits(), labels);
        NDArray adversarial = ClassificationLoss.crossEntropy(perturbed.logits(), labels);
        NDArray virtual = klDivergence(clean.logits().stopGradient(), perturbed.logits());
        NDArray representation = clean.representation().sub(perturbed.representation()).square().mean();
        return cleanLoss.add(NativeArrays.mul(adversarial, alpha)).add(NativeArrays.mul(virtual, beta))
                .add(NativeArrays.mul(representation, gamma));
    }

    /**
     * The adversarial perturbation r (B, T, E) of {@code embeddings}: epsilon times the unit-L2
     * direction (per example, over its real tokens) of the clean loss's gradient w.r.t. the
     * embeddings; exactly 0 at padded positions, and 0 for an example whose gradient is 0. It carries
     * no gradient. Parameter gradients are left as they were (see the class javadoc).
     *
     * @param embeddings (B, T, E) as returned by {@link TextClassifier#embed}
     * @param training whether the gradient pass runs with dropout
     */
    public NDArray perturbation(
            ParameterStore parameterStore, ClassifierInput input, NDArray labels, NDArray embeddings,
            boolean training) {
        NDManager parent = embeddings.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDList used = input.toNDList();
            used.add(labels);
            scope.tempAttachAll(used);
            NDArray leaf = embeddings.stopGradient();
            leaf.attach(scope);
            NDArray gradient = embeddingGradient(parameterStore, input, labels, leaf, training);
            NDArray r = normalise(gradient, input.attentionMask()).mul(epsilon);
            r.attach(parent);
            return r;
        }
    }

    /** The gradient of the clean loss w.r.t. {@code leaf}, the model's parameters frozen meanwhile. */
    private NDArray embeddingGradient(
            ParameterStore parameterStore, ClassifierInput input, NDArray labels, NDArray leaf, boolean training) {
        List<NDArray> frozen = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.hasGradient()) {
                array.setRequiresGradient(false);
                frozen.add(array);
            }
        }
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            leaf.setRequiresGradient(true);
            NDArray logits = model.classifyEmbedded(parameterStore, leaf, input, training).logits();
            NDArray loss = ClassificationLoss.crossEntropy(logits, labels);
            // a gradient collector cannot be opened inside the caller's: go to libtorch directly
            JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
            NDArray gradient = Gradients.of(leaf);
            if (gradient == null) {
                throw new IllegalStateException(model.getClass().getSimpleName()
                        + ".classifyEmbedded does not depend on its embeddings: nothing to perturb");
            }
            return gradient;
        } finally {
            JniUtils.setGradMode(recording);
            frozen.forEach(array -> array.setRequiresGradient(true));
        }
    }

    /** (B, T, E) gradient -> unit L2 norm per example over its real tokens, 0 at padding. */
    private static NDArray normalise(NDArray gradient, NDArray attentionMask) {
        Shape shape = gradient.getShape();
        // (B, T) -> (B, T, 1)
        NDArray real = attentionMask.toType(gradient.getDataType(), false).expandDims(FEATURE_AXIS);
        // (B, T, E) -> (B, T*E)
        NDArray flat = gradient.mul(real).reshape(shape.get(0), -1);
        // as Miyato et al.: divide by the largest entry first, so that squaring tiny gradients cannot underflow
        NDArray scaled = flat.div(flat.abs().max(new int[] {EXAMPLE_AXIS}, true).add(TINY));
        NDArray norm = scaled.square().sum(new int[] {EXAMPLE_AXIS}, true).sqrt().maximum(TINY);
        return scaled.div(norm).reshape(shape).stopGradient();
    }

    /** Mean over the batch of KL(p || q), p = softmax(target), q = softmax(logits): torch's kl_div(batchmean). */
    private static NDArray klDivergence(NDArray target, NDArray logits) {
        NDArray logP = target.logSoftmax(CLASS_AXIS);
        NDArray logQ = logits.logSoftmax(CLASS_AXIS);
        // (B, C) -> (B)
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {CLASS_AXIS}).mean();
    }

    /**
     * Logits (B, C) under the one-step epsilon L2 embedding attack with the true {@code labels}, in
     * evaluation mode (no dropout): the robust counterpart of {@code model.classify(...)}.
     */
    public NDArray attack(ParameterStore parameterStore, ClassifierInput input, NDArray labels) {
        NDArray embeddings = model.embed(parameterStore, input, false);
        NDArray r = perturbation(parameterStore, input, labels, embeddings, false);
        return model.classifyEmbedded(parameterStore, embeddings.add(r), input, false).logits();
    }

    /** Builds an {@link AdversarialTraining}; {@code setModel} is required. */
    public static final class Builder {
        /** Miyato et al.'s value for their unit-normalised word vectors. */
        public static final float DEFAULT_EPSILON = 5f;
        public static final float DEFAULT_ALPHA = 1f;
        public static final float DEFAULT_BETA = 0f;
        public static final float DEFAULT_GAMMA = 0f;

        private TextClassifier model;
        private float epsilon = DEFAULT_EPSILON;
        private float alpha = DEFAULT_ALPHA;
        private float beta = DEFAULT_BETA;
        private float gamma = DEFAULT_GAMMA;

        private Builder() {}

        /** The classifier to train; it must be initialised before {@link #loss} is called. */
        public Builder setModel(TextClassifier model) {
            this.model = model;
            return this;
        }

        /** The L2 norm of each example's perturbation, in embedding units; default {@value #DEFAULT_EPSILON}. */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Weight of the adversarial cross-entropy; default {@value #DEFAULT_ALPHA}. */
        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Weight of KL(p_clean || p_perturbed); default {@value #DEFAULT_BETA}. */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /** Weight of the MSE between clean and perturbed representations; default {@value #DEFAULT_GAMMA}. */
        public Builder optGamma(float gamma) {
            this.gamma = gamma;
            return this;
        }

        public AdversarialTraining build() {
            if (model == null) {
                throw new IllegalArgumentException("AdversarialTraining needs setModel(classifier)");
            }
            if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
                throw new IllegalArgumentException("epsilon is " + epsilon
                        + "; optEpsilon needs a positive finite L2 norm in embedding units (e.g. " + DEFAULT_EPSILON + ")");
            }
            checkWeight("alpha", alpha);
            checkWeight("beta", beta);
            checkWeight("gamma", gamma);
            if (alpha == 0 && beta == 0 && gamma == 0) {
                throw new IllegalArgumentException("alpha, beta and gamma are all 0, so the perturbation would not"
                        + " be used: set optAlpha(1) for adversarial training, or train on the plain cross-entropy");
            }
            return new AdversarialTraining(this);
        }

        private static void checkWeight(String name, float value) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(name + " is " + value + "; the weight of a loss term must be a"
                        + " finite number >= 0 (0 switches the term off)");
            }
        }
    }
}
