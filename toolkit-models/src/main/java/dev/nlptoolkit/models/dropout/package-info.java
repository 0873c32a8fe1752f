/**
 * Dropout whose masks are drawn on the host: {@link dev.nlptoolkit.models.dropout.Dropout}, DJL's
 * {@code Dropout} interface at a fraction of libtorch's CPU cost.
 */
package dev.nlptoolkit.models.dropout;
