/**
 * Applying DJL's {@code Linear} to sequences: {@link dev.nlptoolkit.models.linear.Linears} folds the
 * leading axes into one so that libtorch computes the bias and the product in one {@code addmm}.
 */
package dev.nlptoolkit.models.linear;
