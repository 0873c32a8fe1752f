package dev.nlptoolkit.core.train;

/**
 * A quantity of training (loss, gradient norm, weights) came out NaN or infinite. Training cannot go
 * on from it: the update it would lead to is not applied and no checkpoint is written from it.
 * {@link TrainingLoop} turns it into a {@link DivergenceException} that names the step.
 */
public final class NonFiniteException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final String quantity;
    private final double value;

    public NonFiniteException(String quantity, double value) {
        super(quantity + " is " + value);
        this.quantity = quantity;
        this.value = value;
    }

    /** What is not finite, e.g. "gradient norm". */
    public String quantity() {
        return quantity;
    }

    /** NaN, +Infinity or -Infinity. */
    public double value() {
        return value;
    }
}
