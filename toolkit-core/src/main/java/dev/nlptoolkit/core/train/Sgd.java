package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} with no dampening, Nesterov or weight
 * decay: {@code p -= lr * g}, or with momentum {@code buf = momentum * buf + g; p -= lr * buf}. The
 * momentum buffer is named {@code momentum_buffer.<name>}, as in torch's state dict.
 */
public final class Sgd extends NamedStateOptimizer {

    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final double momentum;

    private Sgd(Builder b) {
        super(b.parameters, b.schedule, Map.of(), Map.of(), b.momentum == 0 ? List.of() : List.of(MOMENTUM_BUFFER));
        this.momentum = b.momentum;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    String kind() {
        return "SGD";
    }

    @Override
    Map<String, String> hyperParameters() {
        return Map.of("momentum", Double.toString(momentum));
    }

    @Override
    void apply(List<Update> updates) {
        eachInItsOwnScope(updates, u -> {
            NDArray direction = u.gradient();
            if (momentum != 0) {
                // On the first update the buffer is zero, so this equals torch's buf = g.clone().
                direction = u.slots()[0].muli((float) momentum).addi(u.gradient());
            }
            u.weight().addi(direction.mul((float) -u.lr()));
        });
    }

    /** Builds an {@link Sgd}; parameters and schedule are required. */
    public static final class Builder {
        private Map<String, Parameter> parameters;
        private LearningRateSchedule schedule;
        private double momentum;

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

        /** Default 0 (plain SGD, no state). */
        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Sgd build() {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
            }
            return new Sgd(this);
        }
    }
}
