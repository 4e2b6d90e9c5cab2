package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a Java pass walks the minibatch: one unit at a time. It copies the unit out of the INDArray into a heap block with
 * one bulk read, works on the block, and writes its result back with one bulk write. A unit is one (n, c) plane
 * for the depthwise predictor (channels are independent) and one whole sample with channel mixing. A 32 x 32
 * float plane is 4 KB, so all the strided walks down the left and right columns hit the L1 cache: walking them
 * over the whole minibatch in place (in NCHW every column element sits on its own cache line) is slower
 * (docs/benchmarks.md).
 */
final class MinibatchWalk {
    final int c;
    /** Channels per unit. */
    final int per;
    final int count;

    MinibatchWalk(PaddingModule conf, long n, long c) {
        this.c = (int) c;
        this.per = conf.isChannelMixing() ? (int) c : 1;
        this.count = (int) (n * c / per);
    }

    long sample(int u) {
        return (long) u * per / c;
    }

    long channel(int u) {
        return (long) u * per % c;
    }

    /** Index of the unit's kernel in {@link SidePredictor#forUnits}: its channel (depthwise) or 0 (mixing). */
    int kernel(int u) {
        return per == 1 ? (int) channel(u) : 0;
    }
}
