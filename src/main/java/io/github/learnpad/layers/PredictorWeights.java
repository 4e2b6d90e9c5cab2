package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The predictors' parameters as one pass reads them: each padded side's kernels, indexed by {@link MinibatchWalk#kernel}.
 * Read once per training step (the forward pass's copy serves the local loss and the backward pass too: reading
 * the parameter arrays costs more than a pass over a small layer's borders, and backprop must use the weights
 * the forward pass used anyway).
 */
final class PredictorWeights {
    /** The parameter arrays (live views), for the passes that read them with ND4J ops. */
    final Map<String, INDArray> params;
    /**
     * Where a pass may keep the local loss's gradient between the training forward pass and backprop: arrays of the
     * parameters' keys and shapes, outside any workspace and reused every step; null when the caller has none (the
     * pass then allocates). Without it the ND4J-ops passes made a detached copy per step, which ND4J frees only when
     * the JVM collects its garbage: resident memory grew by the predictors' size every step (docs/benchmarks.md).
     * Supplied on first use, so that passes which keep their gradient on the heap never allocate it.
     */
    private final Supplier<Map<String, INDArray>> gradientBuffer;
    private final PaddingModule conf;
    /** Host copies for the Java passes, read at their first use (the ND4J-ops passes never need them). */
    private SidePredictor[][] bySide;
    /** What other passes derive from the parameters once per step, by key (see {@link #derived}). */
    private final Map<String, Object> derived = new HashMap<>();

    private PredictorWeights(PaddingModule conf, Map<String, INDArray> params, Supplier<Map<String, INDArray>> gradientBuffer) {
        this.conf = conf;
        this.params = params;
        this.gradientBuffer = gradientBuffer;
    }

    static PredictorWeights read(PaddingModule conf, Map<String, INDArray> params) {
        return new PredictorWeights(conf, params, null);
    }

    /** {@link #read} with a {@link #gradientBuffer()}. */
    static PredictorWeights read(PaddingModule conf, Map<String, INDArray> params,
                        Supplier<Map<String, INDArray>> gradientBuffer) {
        return new PredictorWeights(conf, params, gradientBuffer);
    }

    /** The buffer for the local loss's gradient (see the field), or null if the caller has none. */
    Map<String, INDArray> gradientBuffer() {
        return gradientBuffer == null ? null : gradientBuffer.get();
    }

    /**
     * A value a pass derives from the parameters (e.g. weights rearranged for its matrix products), computed at the
     * first request and then shared by the step's forward, local-loss and backward passes.
     */
    @SuppressWarnings("unchecked")
    synchronized <T> T derived(String key, Supplier<T> compute) {
        return (T) derived.computeIfAbsent(key, kk -> compute.get());
    }

    /** Side s's kernels (s must be padded). */
    synchronized SidePredictor[] of(Side s) {
        if (bySide == null) {
            bySide = new SidePredictor[Side.values().length][];
            int per = conf.isChannelMixing() ? (int) conf.getNChannels() : 1;
            for (Side p : conf.paddedSides()) {
                bySide[p.ordinal()] = SidePredictor.of(conf, params, p).forUnits(per);
            }
        }
        return bySide[s.ordinal()];
    }
}
