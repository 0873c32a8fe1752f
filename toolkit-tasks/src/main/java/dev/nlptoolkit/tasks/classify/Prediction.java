package dev.nlptoolkit.tasks.classify;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * A classifier's answer for one input.
 *
 * @param label the most probable label
 * @param probabilities every label's softmax probability, in label-id order
 * @param logits the raw class scores, in label-id order
 * @param explanation the most-attended tokens, highest weight first; empty unless asked for, or when
 *     the model has no token-level attention
 */
public record Prediction(
        String label, Map<String, Double> probabilities, float[] logits, List<TokenWeight> explanation) {

    /** The probability of the predicted label. */
    public double probability() {
        return probabilities.get(label);
    }

    /**
     * The JSON form {@code predict} writes: {@code {"label", "score", "probabilities": {label: p}, "logits": [...]}}
     * ({@code score} is the probability of {@code label}, as in {@code score}'s columns),
     * plus {@code "explanation": [{"token", "weight"}...]} when {@code withExplanation}.
     */
    public JsonObject toJson(boolean withExplanation) {
        JsonObject json = new JsonObject();
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
