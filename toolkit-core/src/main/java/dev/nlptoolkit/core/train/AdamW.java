package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization",
 * 2019), as {@code torch.optim.AdamW(fused=True)} computes it: libtorch's fused kernel
 * ({@link FusedAdamWKernel}), one pass over each parameter, gradient and pair of moments, where torch's
 * default CPU update makes 7 and DJL's elementwise operators would make 13. For each parameter:
 *
 * <pre>
 * p  *= 1 - lr * wd                                  (only for parameters chosen by the decay filter)
 * m   = m + (1 - b1) * (g - m)
 * v   = b2 * v + (1 - b2) * g * g
 * p  -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * where {@code t} counts this parameter's updates. The fused kernel agrees with torch's default
 * (single-tensor) arithmetic to an ulp or two, as torch's own fused option does. State tensors are
 * named {@code exp_avg.<name>} and {@code exp_avg_sq.<name>}, as in torch's state dict. Gradients are
 * left as they are.
 */
public final class AdamW extends NamedStateOptimizer {

    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final int M = 0;
    private static final int V = 1;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Predicate<String> decayed;
    private final FusedAdamWKernel kernel;

    private AdamW(Builder b) {
        super(b.parameters, b.schedule, b.learningRateScales, b.trainedRows, List.of(EXP_AVG, EXP_AVG_SQ));
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.decayed = b.decayed;
        // closed with the state manager, which owns it
        this.kernel = new FusedAdamWKernel(stateManager());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The usual choice: decay every parameter except biases and normalisation weights, recognised by
     * name. A bias is a parameter whose last name segment contains "bias" in any case ({@code bias},
     * torch's recurrent {@code bias_ih_l0} and {@code bias_hh_l0_reverse}, {@code in_proj_bias}, DJL's
     * {@code i2hBias}); a normalisation weight is one with "norm" in any segment ({@code LayerNorm},
     * {@code layer_norm}, {@code norm1}) or a last segment {@code gamma} or {@code beta} (DJL's norms).
     */
    public static Predicate<String> decayExceptBiasAndNorm() {
        return name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            String last = lower.substring(lower.lastIndexOf('.') + 1);
            boolean bias = last.contains("bias");
            boolean norm = lower.contains("norm") || last.equals("gamma") || last.equals("beta");
            return !bias && !norm;
        };
    }

    /** Decay every parameter, as {@code torch.optim.AdamW(model.parameters())} does. */
    public static Predicate<String> decayAll() {
        return name -> true;
    }

    /** Whether the parameter called {@code name} gets weight decay. */
    public boolean isDecayed(String name) {
        return decayed.test(name);
    }

    @Override
    String kind() {
        return "AdamW";
    }

    @Override
    Map<String, String> hyperParameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("beta1", Double.toString(beta1));
        h.put("beta2", Double.toString(beta2));
        h.put("eps", Double.toString(eps));
        h.put("weight_decay", Double.toString(weightDecay));
        return h;
    }

    @Override
    void apply(List<Update> updates) {
        // the kernel takes one rate and one weight decay per call: group parameters by both, in order
        Map<List<Double>, List<Update>> groups = new LinkedHashMap<>();
        for (Update u : updates) {
            double decay = decayed.test(u.name()) ? weightDecay : 0;
            groups.computeIfAbsent(List.of(u.lr(), decay), key -> new ArrayList<>()).add(u);
        }
        try (NDManager scope = stateManager().newSubManager()) {
            for (Map.Entry<List<Double>, List<Update>> group : groups.entrySet()) {
                List<Update> members = group.getValue();
                kernel.update(members.stream().map(Update::weight).toList(),
                        members.stream().map(Update::gradient).toList(),
                        members.stream().map(u -> u.slots()[M]).toList(),
                        members.stream().map(u -> u.slots()[V]).toList(),
                        members.stream().map(u -> scope.create((float) u.updates())).toList(),
                        group.getKey().get(0), beta1, beta2, group.getKey().get(1), eps);
            }
        }
    }

    /** Builds an {@link AdamW}; parameters and schedule are required. */
    public static final class Builder {
        private static final double DEFAULT_BETA1 = 0.9;
        private static final double DEFAULT_BETA2 = 0.999;
        private static final double DEFAULT_EPS = 1e-8;
        private static final double DEFAULT_WEIGHT_DECAY = 0.01;

        private Map<String, Parameter> parameters;
        private LearningRateSchedule schedule;
        private double beta1 = DEFAULT_BETA1;
        private double beta2 = DEFAULT_BETA2;
        private double eps = DEFAULT_EPS;
        private double weightDecay = DEFAULT_WEIGHT_DECAY;
        private Predicate<String> decayed = decayAll();
        private Map<String, Double> learningRateScales = Map.of();
        private Map<String, Long> trainedRows = Map.of();

        private Builder() {}

        /** The parameters to update, by name (e.g. {@code StateDict.of(block)}); they must be initialised. */
        public Builder setParameters(Map<String, Parameter> parameters) {
            this.parameters = parameters;
            return this;
        }

        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Default 0.9 and 0.999, as torch. */
        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** Default 1e-8, as torch. */
        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Default 0.01, as torch. */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Which parameters, by name, get weight decay; default all, as torch. */
        public Builder optDecayFilter(Predicate<String> decayed) {
            this.decayed = decayed;
            return this;
        }

        /**
         * Parameters, by name, that learn at a multiple of the scheduled rate (torch: a parameter group
         * with its own {@code lr}); for example a pretrained embedding table fine-tuned at a tenth of the
         * rate of layers trained from scratch. Default none: every parameter at the scheduled rate.
         */
        public Builder optLearningRateScales(Map<String, Double> scales) {
            this.learningRateScales = scales;
            return this;
        }

        /**
         * Parameters, by name, of which only the first n rows (along the first axis) learn; the other
         * rows keep their values, with neither update nor weight decay, and the moments cover only the
         * first n. For an embedding table whose other rows the training data never uses: their gradient
         * is always zero, so dense AdamW would only decay them, and the update's cost follows the rows
         * that learn rather than the whole table. Default none: every parameter is updated whole.
         */
        public Builder optTrainedRows(Map<String, Long> rows) {
            this.trainedRows = rows;
            return this;
        }

        public AdamW build() {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException(
                        "betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + "); the usual values are (0.9, 0.999)");
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps must be positive, got " + eps + "; the usual value is 1e-8");
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (learningRateScales == null) {
                throw new IllegalArgumentException("learning-rate scales are null: use Map.of() for none");
            }
            if (trainedRows == null) {
                throw new IllegalArgumentException("trained rows are null: use Map.of() for none");
            }
            if (decayed == null) {
                throw new IllegalArgumentException("decay filter is null: use AdamW.decayAll() or decayExceptBiasAndNorm()");
            }
            return new AdamW(this);
        }
    }
}
