package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The text classifiers this toolkit trains, each with default hyper-parameters that give a strong
 * result when the user passes only data, model and output directory.
 *
 * <table>
 *   <caption>Defaults ({@link #defaults()})</caption>
 *   <tr><th>kind</th><th>lr</th><th>batch</th><th>epochs</th><th>schedule</th><th>max tokens</th></tr>
 *   <tr><td>rnn, lstm, bilstm-attention, rcnn</td><td>2e-3</td><td>128</td><td>10*</td>
 *       <td>5% warm-up, then constant</td><td>256 words</td></tr>
 *   <tr><td>cnn</td><td>1e-3</td><td>50</td><td>10*</td><td>5% warm-up, then constant</td><td>256 words</td></tr>
 *   <tr><td>transformer</td><td>5e-4</td><td>64</td><td>10*</td><td>10% warm-up, linear decay</td>
 *       <td>256 words</td></tr>
 *   <tr><td>bert</td><td>3e-5</td><td>32</td><td>3</td><td>10% warm-up, linear decay</td><td>128 word pieces</td></tr>
 * </table>
 *
 * <p>* or, on small data sets, enough epochs for {@value HyperParameters#MIN_SCRATCH_STEPS} updates, at
 * most {@value HyperParameters#MAX_SCRATCH_EPOCHS}.
 *
 * <p>All use AdamW (weight decay 0.01, none on biases and LayerNorm), gradient clipping at norm 1.0,
 * evaluation on the dev set every {@value HyperParameters#DEFAULT_EVALUATE_EVERY} steps and at the
 * last, and early stopping on dev accuracy after {@value HyperParameters#DEFAULT_PATIENCE_STEPS}
 * updates without improvement. Recurrent models and the CNN keep a constant rate after warm-up because they
 * are usually stopped by a time budget, where a decay planned over all epochs would not get far.
 */
public enum ModelKind {
    /** Elman RNN (tanh) over word embeddings, last state to a linear head. */
    RNN("rnn", HyperParameters.RECURRENT),
    /** LSTM over word embeddings, last state to a linear head. */
    LSTM("lstm", HyperParameters.RECURRENT),
    /** Bidirectional LSTM with self-attention pooling (Lin et al. 2017): explains with attention weights. */
    BILSTM_ATTENTION("bilstm-attention", HyperParameters.RECURRENT),
    /** Recurrent convolutional network (Lai et al. 2015). */
    RCNN("rcnn", HyperParameters.RECURRENT),
    /** Kim's (2014) convolutional classifier: filters of widths 3, 4, 5 over wide windows, max-over-time pooling. */
    CNN("cnn", HyperParameters.CNN),
    /** Our Transformer encoder trained from scratch. */
    TRANSFORMER("transformer", HyperParameters.TRANSFORMER),
    /** A BERT classifier fine-tuned from a Hugging Face checkpoint directory ({@code --init}). */
    BERT("bert", HyperParameters.BERT);

    private final String cliName;
    private final HyperParameters defaults;

    ModelKind(String cliName, HyperParameters defaults) {
        this.cliName = cliName;
        this.defaults = defaults;
    }

    /** The name on the command line and in config.json, e.g. {@code bilstm-attention}. */
    public String cliName() {
        return cliName;
    }

    /** The default hyper-parameters of this kind. */
    public HyperParameters defaults() {
        return defaults;
    }

    /** Whether the model starts from a pretrained checkpoint (and its tokenizer) rather than from scratch. */
    public boolean pretrained() {
        return this == BERT;
    }

    /** Parses a kind by CLI name ({@code bilstm-attention}) or enum name ({@code BILSTM_ATTENTION}), ignoring case. */
    public static ModelKind parse(String text) {
        String wanted = text.strip();
        for (ModelKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(wanted) || kind.name().equalsIgnoreCase(wanted)) {
                return kind;
            }
        }
        throw new UserInputException("unknown model '" + text + "'; choose one of " + names());
    }

    /** The CLI names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(ModelKind::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
