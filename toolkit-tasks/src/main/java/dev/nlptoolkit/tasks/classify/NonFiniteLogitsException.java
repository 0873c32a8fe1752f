package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;

/**
 * A prediction has no label because the model's logits for its input are NaN or infinite: the model's
 * weights are broken (a diverged or corrupt checkpoint), since finite weights give finite logits.
 * {@link Prediction#label()} and {@link Prediction#probability()} throw it for such a prediction; a
 * caller that writes one row per input checks {@link Prediction#error()} first and writes an error
 * for that row instead (as {@link Prediction#toJson} does).
 */
public final class NonFiniteLogitsException extends UserInputException {

    private static final long serialVersionUID = 1L;

    public NonFiniteLogitsException(String message) {
        super(message);
    }
}
