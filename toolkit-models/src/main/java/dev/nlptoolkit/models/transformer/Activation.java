package dev.nlptoolkit.models.transformer;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;

/** The non-linearity inside a transformer feed-forward block. */
public enum Activation {
    /** max(0, x), Vaswani et al. 2017; torch's default. */
    RELU {
        @Override
        public NDArray apply(NDArray x) {
            return ai.djl.nn.Activation.relu(x);
        }
    },
    /** x Phi(x) with the exact normal CDF (Hendrycks and Gimpel 2016), BERT's "gelu". */
    GELU {
        @Override
        public NDArray apply(NDArray x) {
            return ai.djl.nn.Activation.gelu(x);
        }
    },
    /** The tanh approximation of GELU, GPT-2's "gelu_new" and torch's {@code approximate="tanh"}. */
    GELU_TANH {
        @Override
        public NDArray apply(NDArray x) {
            // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
            NDArray inner = NativeArrays.mul(x.add(NativeArrays.mul(NativeArrays.pow(x, 3), GELU_TANH_CUBIC)),
                    SQRT_2_OVER_PI);
            return NativeArrays.mul(x.mul(inner.tanh().add(1)), 0.5);
        }
    };

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_TANH_CUBIC = 0.044715;

    public abstract NDArray apply(NDArray x);
}
