package io.github.learnpad.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    /**
     * Where a pass keeps the local loss's gradient for {@code key}: {@code into}'s array (the layer's buffer, or the
     * caller's gradient arrays) or, without one, a fresh array shaped like {@code like} outside any workspace (the
     * gradient outlives the forward pass's working memory).
     */
    static INDArray gradientTarget(Map<String, INDArray> into, String key, INDArray like) {
        if (into != null) {
            return into.get(key);
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(like.dataType(), like.shape());
        }
    }
}
