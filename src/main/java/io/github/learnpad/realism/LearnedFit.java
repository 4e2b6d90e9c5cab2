package io.github.learnpad.realism;

/**
 * How the LEARNED module of one band was trained: local loss alone, Adam on random minibatches of training images.
 *
 * @param steps     number of updates
 * @param batchSize images per update
 * @param firstLoss local loss of the first minibatch (before any update)
 * @param lastLoss  mean local loss over the last 10% of the steps
 */
public record LearnedFit(int steps, int batchSize, double firstLoss, double lastLoss) {
}
