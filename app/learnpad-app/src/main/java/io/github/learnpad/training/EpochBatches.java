package io.github.learnpad.training;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The training minibatches of one epoch. Implementations must be reproducible per epoch: {@code forEpoch(e)} returns
 * the same batches in the same order every time it is called with the same {@code e}, whatever was called before.
 * That is what lets a resumed run reproduce an uninterrupted one.
 */
@FunctionalInterface
public interface EpochBatches {
    /** Minibatches of epoch {@code epoch} (1-based): features {@code (B, C, H, W)}, one-hot labels {@code (B, K)}. */
    DataSetIterator forEpoch(int epoch);
}
