package dev.nlptoolkit.core.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The micro-batches of one epoch. Batches are light descriptions (example indices, say) that the
 * {@link TrainStep} turns into arrays, so an epoch's list is cheap and a resumed run can skip to a
 * position in it.
 *
 * @param <B> the batch description
 */
@FunctionalInterface
public interface EpochBatches<B> {

    /**
     * The batches of {@code epoch}, in an order drawn only from {@code order} (which the loop seeds
     * from the run's seed and the epoch, see {@link DataOrder}), so the same epoch gives the same list.
     */
    List<B> batches(int epoch, SplittableRandom order);
}
