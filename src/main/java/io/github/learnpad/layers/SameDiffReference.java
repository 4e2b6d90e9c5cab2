package io.github.learnpad.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.deeplearning4j.nn.layers.samediff.SameDiffLayer.INPUT_KEY;
import static org.deeplearning4j.nn.layers.samediff.SameDiffLayer.MASK_KEY;

/**
 * The runtime of {@link PaddingModule.Implementation#SAMEDIFF}: the graph of {@link PaddingModuleGraph} inside DL4J's
 * SameDiff layer runtime, with one change to how the network's gradient enters. DL4J's external-errors mechanism only
 * works when the graph has no loss of its own, and in M2.1 returns gradients twice too large; here the main gradient
 * enters through a placeholder {@value #EPS_KEY} in the loss {@code sum(output * eps) + localLoss}, and stop-gradients
 * in the graph keep the two terms apart (see {@link PaddingModuleGraph}).
 *
 * <p>The forward pass is DL4J's ({@code SameDiffLayer.activate}, inside the network's workspaces). The backward pass
 * runs outside them: the reference is for tests, not for speed.
 */
final class SameDiffReference {
    static final String EPS_KEY = "mainEps";

    private SameDiffReference() {
    }

    /**
     * Adds the main-gradient placeholder and the loss {@code sum(output * eps) [+ localLoss]} to a graph that DL4J's
     * runtime has just built ({@code doInit}).
     *
     * @param inputShape the shape of the input the graph was built for, {@code (N, C, H, W)} or NHWC
     */
    static void addLosses(SameDiff sd, String outputKey, long[] inputShape, PaddingModule m, DataType dataType) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SDVariable out = sd.getVariable(outputKey);
            boolean nhwc = m.getDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
            long h = m.amounts().paddedHeight(inputShape[nhwc ? 1 : 2]);
            long w = m.amounts().paddedWidth(inputShape[nhwc ? 2 : 3]);
            long c = inputShape[nhwc ? 3 : 1];
            SDVariable eps = nhwc ? sd.placeHolder(EPS_KEY, dataType, -1, h, w, c)
                    : sd.placeHolder(EPS_KEY, dataType, -1, c, h, w);
            List<String> losses = new ArrayList<>();
            losses.add(out.mul(eps).sum().name());
            if (sd.hasVariable(PaddingModuleGraph.LOCAL_LOSS)) {
                losses.add(PaddingModuleGraph.LOCAL_LOSS);
            }
            sd.setLossVariables(losses.toArray(new String[0]));
        }
    }

    /** What a backward pass gives: the input gradient and the local loss (NaN without one). */
    static final class Backward {
        final INDArray inputGradient;
        final double localLoss;

        private Backward(INDArray inputGradient, double localLoss) {
            this.inputGradient = inputGradient;
            this.localLoss = localLoss;
        }
    }

    /**
     * The backward pass: writes the predictor's (local-loss) gradient into {@code gradTable} and returns the input
     * gradient (outside any workspace) and the local loss.
     *
     * @throws IllegalArgumentException if the local loss is NaN or infinite (nothing is written then)
     */
    static Backward backward(SameDiff sd, INDArray input, INDArray mask, INDArray epsilon,
            Map<String, INDArray> gradTable, String layerName) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (!sd.hasGradientFunction()) {
                sd.createGradFunction(INPUT_KEY);
            }
            // Everything here runs outside DL4J's workspaces, so both sessions must allocate outside them too: the
            // forward pass left the main session's memory manager on the forward's (now closed or borrowed)
            // workspaces ("Can't borrow from borrowed workspace" in fit()).
            outsideWorkspaces(sd);
            outsideWorkspaces(sd.getFunction("grad"));
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(INPUT_KEY, input.detach());
            ph.put(MASK_KEY, mask.detach());
            ph.put(EPS_KEY, epsilon.detach());
            try {
                // The local loss first: NaN/Inf in the rows it reads is refused before any gradient is written.
                double loss = Double.NaN;
                if (sd.hasVariable(PaddingModuleGraph.LOCAL_LOSS)) {
                    loss = sd.output(ph, PaddingModuleGraph.LOCAL_LOSS).get(PaddingModuleGraph.LOCAL_LOSS).getDouble(0);
                    if (!Double.isFinite(loss)) {
                        throw new IllegalArgumentException("PaddingModule " + layerName + ": the local loss is "
                                + loss + ": the input's border rows/columns contain NaN or Inf (or values so large "
                                + "the local loss overflows); training the predictor on them would make its weights "
                                + "NaN. Check the data and the layers before the module (e.g. lower the learning rate)");
                    }
                }
                List<String> wanted = new ArrayList<>(gradTable.keySet());
                wanted.add(INPUT_KEY);
                Map<String, INDArray> grads = sd.calculateGradients(ph, wanted);
                for (Map.Entry<String, INDArray> e : gradTable.entrySet()) {
                    INDArray g = grads.get(e.getKey());
                    if (g == null) {
                        e.getValue().assign(0);
                    } else {
                        e.getValue().assign(g);
                    }
                }
                return new Backward(grads.get(INPUT_KEY), loss);
            } finally {
                sd.clearPlaceholders(true);
                sd.clearOpInputs();
            }
        }
    }

    /** Makes this thread's session of {@code sd} allocate with plain (garbage-collected) arrays. */
    private static void outsideWorkspaces(SameDiff sd) {
        sd.getSessions().computeIfAbsent(Thread.currentThread().getId(),
                id -> SameDiff.getInferenceFactory().create(sd)).setMmgr(new NoOpMemoryMgr());
    }
}
