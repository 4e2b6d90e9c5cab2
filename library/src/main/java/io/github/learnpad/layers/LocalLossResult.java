package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.learnpad.layers.ArrayAccess.writeFlat;

import java.util.Map;

/** The local loss of one minibatch and its gradient by parameter name: what a training forward hands on. */
class LocalLossResult {
    /** The local loss; NaN if no side had a training pair. */
    final double loss;
    private final Map<String, double[]> grads;

    LocalLossResult(double loss, Map<String, double[]> grads) {
        this.loss = loss;
        this.grads = grads;
    }

    /** For results that hold their gradient elsewhere (and override {@link #writeTo}). */
    LocalLossResult(double loss) {
        this(loss, Map.of());
    }

    /** Overwrites {@code target}'s arrays (same keys and shapes as the parameters) with the gradient. */
    void writeTo(Map<String, INDArray> target) {
        grads.forEach((key, g) -> writeFlat(target.get(key), g));
    }
}
