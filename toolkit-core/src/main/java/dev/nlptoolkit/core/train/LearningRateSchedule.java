package dev.nlptoolkit.core.train;

/**
 * The learning rate as a function of the optimizer step.
 *
 * <p>{@code step} counts the optimizer updates already applied (0 for the first update), as
 * PyTorch's {@code LambdaLR} does when {@code scheduler.step()} follows {@code optimizer.step()}: so
 * with warm-up the first update uses a learning rate of 0, exactly as Hugging Face's schedules do.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of the update that follows {@code step} completed updates. */
    double lr(long step);

    /** The same rate at every step. */
    static LearningRateSchedule constant(double lr) {
        requirePositive("lr", lr);
        return step -> lr;
    }

    /**
     * Rises linearly from 0 to {@code peak} over {@code warmupSteps}, then falls linearly to 0 at
     * {@code totalSteps} and stays there: Hugging Face {@code get_linear_schedule_with_warmup}.
     */
    static LearningRateSchedule linearWarmupThenDecay(double peak, long warmupSteps, long totalSteps) {
        requirePositive("peak", peak);
        requireWarmup(warmupSteps, totalSteps);
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        return step -> {
            if (step < warmupSteps) {
                return peak * warmup(step, warmupSteps);
            }
            return peak * Math.max(0.0, (double) (totalSteps - step) / decaySteps);
        };
    }

    /**
     * Rises linearly from 0 to {@code peak} over {@code warmupSteps}, then follows half a cosine down
     * to 0 at {@code totalSteps} and stays there: Hugging Face {@code get_cosine_schedule_with_warmup}
     * with {@code num_cycles = 0.5} up to {@code totalSteps}; beyond it (where transformers' cosine
     * would rise again) the rate stays 0.
     */
    static LearningRateSchedule cosineWithWarmup(double peak, long warmupSteps, long totalSteps) {
        requirePositive("peak", peak);
        requireWarmup(warmupSteps, totalSteps);
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        return step -> {
            if (step < warmupSteps) {
                return peak * warmup(step, warmupSteps);
            }
            double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
            return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        };
    }

    /**
     * Rises linearly from 0 to {@code peak} over {@code warmupSteps}, then decays with the inverse
     * square root of the step, {@code peak * sqrt(warmupSteps / step)}: the schedule of "Attention Is
     * All You Need" and fairseq's {@code inverse_sqrt} (with {@code warmup_init_lr = 0}), for
     * Transformers trained from scratch; it never reaches 0, so it needs no total step count.
     */
    static LearningRateSchedule inverseSqrtWithWarmup(double peak, long warmupSteps) {
        requirePositive("peak", peak);
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("the inverse square root schedule needs warmupSteps >= 1, got "
                    + warmupSteps);
        }
        return step -> step < warmupSteps
                ? peak * warmup(step, warmupSteps)
                : peak * Math.sqrt((double) warmupSteps / step);
    }

    private static double warmup(long step, long warmupSteps) {
        return (double) step / Math.max(1, warmupSteps);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
    }

    private static void requireWarmup(long warmupSteps, long totalSteps) {
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps > 0, got warmupSteps="
                    + warmupSteps + ", totalSteps=" + totalSteps);
        }
    }
}
