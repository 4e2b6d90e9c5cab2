package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.Side;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The predictors' parameters as one pass reads them: each padded side's kernels, indexed by {@link Units#kernel}.
 * Read once per training step (the forward pass's copy serves the local loss and the backward pass too: reading
 * the parameter arrays costs more than a pass over a small layer's borders, and backprop must use the weights
 * the forward pass used anyway).
 */
final class Weights {
    /** The parameter arrays (live views), for the passes that read them with ND4J ops. */
    final Map<String, INDArray> params;
    private final PaddingModule conf;
    /** Host copies for the Java passes, read at their first use (the ND4J-ops passes never need them). */
    private Kernel[][] bySide;

    private Weights(PaddingModule conf, Map<String, INDArray> params) {
        this.conf = conf;
        this.params = params;
    }

    static Weights read(PaddingModule conf, Map<String, INDArray> params) {
        return new Weights(conf, params);
    }

    /** Side s's kernels (s must be padded). */
    synchronized Kernel[] of(Side s) {
        if (bySide == null) {
            bySide = new Kernel[Side.values().length][];
            int per = conf.isChannelMixing() ? (int) conf.getNChannels() : 1;
            for (Side p : conf.paddedSides()) {
                bySide[p.ordinal()] = Kernel.of(conf, params, p).forUnits(per);
            }
        }
        return bySide[s.ordinal()];
    }
}
