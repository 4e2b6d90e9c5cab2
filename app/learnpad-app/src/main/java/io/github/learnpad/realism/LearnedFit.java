package io.github.learnpad.realism;

/**
 * How the LEARNED module of one band was trained: local loss alone, Adam on random minibatches of training images.
 *
 * @param steps       number of updates
 * @param batchSize   images per update
 * @param lossBefore  local loss on a fixed set of (up to 512) training images before training
 * @param lossAfter   local loss on the same images after training
 */
public record LearnedFit(int steps, int batchSize, double lossBefore, double lossAfter) {
}
