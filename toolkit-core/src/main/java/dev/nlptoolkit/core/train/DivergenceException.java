package dev.nlptoolkit.core.train;

import dev.nlptoolkit.core.UserInputException;

/**
 * Training diverged: the loss, the gradient norm or the weights became NaN or infinite at {@link #step()}.
 * The update of that step was not applied and the checkpoints on disk are from before it. The message
 * names the step and what went wrong, and suggests the usual cures; the command line reports it as a
 * user error (exit 2, one line), since a lower learning rate or clipping is the fix, not a change
 * to the code.
 */
public final class DivergenceException extends UserInputException {

    private static final long serialVersionUID = 1L;

    private final long step;

    public DivergenceException(long step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    /** The optimizer step (1-based, the update that was refused) at which training diverged. */
    public long step() {
        return step;
    }
}
