package io.github.learnpad.training;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Runs one epoch's minibatches through a network in some other way than {@code fit(minibatch)} one after the other
 * on the calling thread: e.g. the command line's {@code ParallelTraining} (learnpad-app) (several workers). {@link Trainer#builder()}'s
 * {@code fitter(...)} takes one.
 */
@FunctionalInterface
public interface EpochFitter {
    /**
     * Trains {@code net} on every minibatch of {@code batches} once. {@code epoch} is 1-based, for implementations
     * that seed per epoch. The network's training listeners must see every iteration (the {@link Trainer} reads its
     * losses from one).
     */
    void fitEpoch(Model net, DataSetIterator batches, int epoch);
}
