package dev.nlptoolkit.tasks.bench;

import java.util.Locale;

/** The benchmark workloads; each is defined exactly (shapes, optimiser, unit) so a Python peer can run the same. */
public enum Workload {
    /** 2048 x 2048 x 2048 float32 matrix product: the machine's practical FLOP/s ceiling. */
    GEMM("GFLOP/s"),
    /** Embedding 20000 x 128, BiLSTM 128 per direction, additive attention pooling, Linear 256 -> 2, Adam. */
    LSTM_TRAIN("tokens/s"),
    /** BERT-mini (4 layers, hidden 256, 4 heads) classifier, batch 32 x 128, AdamW. */
    BERT_TRAIN("tokens/s"),
    /** BERT-mini in inference, batch 64 x 128. */
    BERT_INFER("sequences/s"),
    /** BERT-mini in inference, batch 1 x 32, 200 calls: p50 and p99. */
    BERT_LATENCY("ms"),
    /** {@code score} end to end over the SST-2 training sentences with a BERT-mini directory: rows/s. */
    SCORE_CSV("rows/s"),
    /**
     * Transformer seq2seq (3 + 3 layers, d 256, 4 heads, FF 1024, shared vocabulary 8000), 64 sources of
     * 16 tokens, 32 greedy steps without early stop, with the key/value cache or re-decoding the prefix.
     */
    TRANSLATE_GREEDY("tokens/s");

    private final String unit;

    Workload(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    /** The name on the command line and in the JSON: {@code lstm-train}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
