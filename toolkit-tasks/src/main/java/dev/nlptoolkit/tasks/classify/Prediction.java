package dev.nlptoolkit.tasks.classify;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A classifier's answer for one input, or the error that stands in for it: when the logits are NaN or
 * infinite there is no most probable label, so {@link #error()} says why and {@link #label()} throws a
 * {@link NonFiniteLogitsException} rather than name an arbitrary label (row-level: the other inputs of
 * the batch keep their predictions).
 *
 * @param label the most probable label; null exactly when the prediction is an {@link #error()}
 * @param probabilities every label's softmax probability, in label-id order
 * @param logits the raw class scores, in label-id order
 * @param explanation the most-attended tokens, highest weight first; empty unless asked for, or when
 *     the model has no token-level attention
 */
public record Prediction(
        String label, Map<String, Double> probabilities, float[] logits, List<TokenWeight> explanation) {

    public Prediction {
        boolean finite = true;
        for (float logit : logits) {
            finite &= Float.isFinite(logit);
        }
        if ((label == null) == finite) {
            throw new IllegalArgumentException(finite ? "a prediction with finite logits needs a label"
                    : "logits that are not finite have no label");
        }
    }

    /** A prediction whose logits are not all finite: it has no label, only {@link #error()}. */
    static Prediction ofNonFinite(float[] logits) {
        return new Prediction(null, Map.of(), logits, List.of());
    }

    /** Why there is no label (NaN or infinite logits), or empty for a usable prediction. */
    public Optional<String> error() {
        return label == null
                ? Optional.of("the model's logits are not finite " + Arrays.toString(logits)
                        + ": its weights are broken (diverged or corrupt)")
                : Optional.empty();
    }

    /**
     * The most probable label.
     *
     * @throws NonFiniteLogitsException when the logits are not finite (see {@link #error()})
     */
    public String label() {
        if (label == null) {
            throw new NonFiniteLogitsException(error().orElseThrow());
        }
        return label;
    }

    /**
     * The probability of the predicted label.
     *
     * @throws NonFiniteLogitsException when the logits are not finite (see {@link #error()})
     */
    public double probability() {
        return probabilities.get(label());
    }

    /**
     * The JSON form {@code predict} writes: {@code {"label", "score", "probabilities": {label: p}, "logits": [...]}}
     * ({@code score} is the probability of {@code label}, as in {@code score}'s columns),
     * plus {@code "explanation": [{"token", "weight"}...]} when {@code withExplanation}; for an
     * {@link #error()}: {@code {"error", "logits"}}, logits as JSON strings where not finite.
     */
    public JsonObject toJson(boolean withExplanation) {
        JsonObject json = new JsonObject();
        if (label == null) {
            json.addProperty("error", error().orElseThrow());
            JsonArray scores = new JsonArray();
            for (float logit : logits) {
                // JSON has no NaN or infinity.
                scores.add(Float.isFinite(logit) ? (JsonElement) new JsonPrimitive(logit)
                        : new JsonPrimitive(Float.toString(logit)));
            }
            json.add("logits", scores);
            return json;
        }
        json.addProperty("label", label);
        json.addProperty("score", probability());
        JsonObject probs = new JsonObject();
        probabilities.forEach(probs::addProperty);
        json.add("probabilities", probs);
        JsonArray scores = new JsonArray();
        for (float logit : logits) {
            scores.add(logit);
        }
        json.add("logits", scores);
        if (withExplanation) {
            JsonArray tokens = new JsonArray();
            for (TokenWeight weight : explanation) {
                JsonObject token = new JsonObject();
                token.addProperty("token", weight.token());
                token.addProperty("weight", weight.weight());
                tokens.add(token);
            }
            json.add("explanation", tokens);
        }
        return json;
    }
}
