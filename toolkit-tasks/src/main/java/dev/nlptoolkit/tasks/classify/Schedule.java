package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.train.LearningRateSchedule;

/** What the learning rate does after the linear warm-up. */
public enum Schedule {
    /** Stays at the peak. */
    CONSTANT,
    /** Falls linearly to 0 at the last step (Hugging Face's default for fine-tuning). */
    LINEAR,
    /** Follows half a cosine down to 0 at the last step. */
    COSINE;

    /** The schedule with {@code warmupSteps} of linear warm-up to {@code peak}, over {@code totalSteps}. */
    LearningRateSchedule create(double peak, long warmupSteps, long totalSteps) {
        return switch (this) {
            case CONSTANT -> step -> step < warmupSteps ? peak * step / warmupSteps : peak;
            case LINEAR -> LearningRateSchedule.linearWarmupThenDecay(peak, warmupSteps, totalSteps);
            case COSINE -> LearningRateSchedule.cosineWithWarmup(peak, warmupSteps, totalSteps);
        };
    }
}
