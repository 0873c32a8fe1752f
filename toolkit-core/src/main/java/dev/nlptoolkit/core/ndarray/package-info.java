/** NDArray helpers that DJL lacks: arrays whose memory libtorch owns, for graphs autograd keeps. */
package dev.nlptoolkit.core.ndarray;
