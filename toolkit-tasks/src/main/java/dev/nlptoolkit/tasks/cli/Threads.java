package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.device.EngineSettings;

/** The {@code --threads} option shared by the commands that run a model. */
final class Threads {

    private Threads() {}

    /** Sets PyTorch's intra-op thread count when {@code threads} is given; the inter-op pool is left as it is. */
    static void apply(Integer threads) {
        if (threads != null) {
            EngineSettings.threads(threads, EngineSettings.current().interOp());
        }
    }
}
