package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runtime layer of {@link PaddingModule}.
 *
 * <p>With {@link PaddingModule.Implementation#FAST} (default), {@link PaddingModule.Implementation#ND4J_OPS} or
 * {@link PaddingModule.Implementation#JAVA} forward and backward are explicit passes, any H x W and minibatch size,
 * no graph: the implementation {@link PaddingPasses#choose} picks, through {@link BorderPredictor}'s entry points.
 * With {@link PaddingModule.Implementation#SAMEDIFF} it runs the SameDiff graph of {@link PaddingModuleGraph} through DL4J's SameDiff runtime, with one change: the main
 * gradient enters through a placeholder in the loss {@code sum(output * eps) + localLoss} (DL4J's external-errors
 * mechanism only works when the graph has no loss of its own, and returns gradients twice too large in M2.1).
 *
 * <p>The predictor's gradient is the local loss's gradient, already a mean over the minibatch: it is not divided by
 * the minibatch size again ({@link #updaterDivideByMinibatch}). The FAST path computes the local loss and its
 * gradient during the training forward pass (the input is in cache then) and hands them to the backward pass; a
 * backward pass without a training forward on the same input computes them itself.
 */
public class PaddingModuleLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
    static final String EPS_KEY = "mainEps";
    private static final Logger log = LoggerFactory.getLogger(PaddingModuleLayer.class);
    private static final AtomicBoolean waitPolicyHinted = new AtomicBoolean();
    private double lastLocalLoss = Double.NaN;
    /**
     * The FAST training forward's input, the weights it read and its local loss and gradient (null without a local
     * loss), for the backward pass on the same input.
     */
    private INDArray pendingInput;
    private BorderPredictor.Weights pendingWeights;
    private BorderPredictor.LocalLossResult pendingLocalLoss;

    public PaddingModuleLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The local loss of the last training pass (its forward with the FAST implementation, its backward with SAMEDIFF);
     * NaN before any, or when the loss is NONE.
     */
    public double getLastLocalLoss() {
        return lastLocalLoss;
    }

    private PaddingModule module() {
        return (PaddingModule) layerConf();
    }

    private String displayName() {
        String n = conf().getLayer().getLayerName();
        return "'" + (n != null ? n : "layer " + getIndex()) + "'";
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        validate(input, training);
        PaddingModule m = module();
        if (m.getImplementation() == PaddingModule.Implementation.SAMEDIFF) {
            return super.activate(training, workspaceMgr);
        }
        long n = input.size(0), c = input.size(1);
        long ho = input.size(2) + m.getTop() + m.getBottom(), wo = input.size(3) + m.getLeft() + m.getRight();
        INDArray out;
        if (BorderPredictor.keepsChannelMajor(m, input)) {
            // Output in the input's (C, N, H, W) layout, as DL4J's convolutions give theirs: each pass walks memory
            // in order, for the input and the output alike.
            out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                    new long[]{c, n, ho, wo}, 'c').permute(1, 0, 2, 3);
        } else {
            out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), n, c, ho, wo);
        }
        if (training) {
            hintWaitPolicy();
        }
        clearPending();
        BorderPredictor.Weights weights = BorderPredictor.Weights.read(m, paramTable);
        try {
            BorderPredictor.LocalLossResult loss =
                    BorderPredictor.forward(m, weights, input, out, displayName(), training);
            if (training) {
                pendingInput = input;
                pendingWeights = weights;
                pendingLocalLoss = loss;
            }
            if (loss != null) {
                lastLocalLoss = loss.loss;
            }
        } catch (IllegalArgumentException e) {
            throw named(e);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        PaddingModule m = module();
        long[] outShape = {input.size(0), input.size(1), input.size(2) + m.getTop() + m.getBottom(),
                input.size(3) + m.getLeft() + m.getRight()};
        if (!Arrays.equals(epsilon.shape(), outShape)) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + ": gradient shape "
                    + Arrays.toString(epsilon.shape()) + " does not match the output shape " + Arrays.toString(outShape));
        }
        INDArray dx;
        Gradient g = new DefaultGradient();
        if (m.getImplementation() == PaddingModule.Implementation.SAMEDIFF) {
            dx = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, sameDiffBackprop(epsilon));
        } else {
            // Backprop goes through the forward pass's weights (what the output was computed with) when it has them.
            boolean sameInput = pendingInput == input;
            BorderPredictor.Weights weights = sameInput ? pendingWeights : BorderPredictor.Weights.read(m, paramTable);
            if (m.getLocalLoss() == PaddingModule.LocalLoss.NONE) {
                gradTable.values().forEach(a -> a.assign(0));
                lastLocalLoss = Double.NaN;
            } else if (sameInput && pendingLocalLoss != null) {
                pendingLocalLoss.writeTo(gradTable);
            } else {
                try {
                    lastLocalLoss = BorderPredictor.localLoss(m, weights, input, gradTable);
                } catch (IllegalArgumentException e) {
                    throw named(e);
                }
            }
            clearPending();
            // Like ZeroPaddingLayer, hand back a view of epsilon's interior: the border's gradient is added onto its
            // sources in epsilon itself (DL4J layers may write into the epsilon they receive). Else a fresh array.
            dx = BorderPredictor.backwardInPlace(m, weights, input, epsilon, displayName());
            if (dx != null) {
                dx = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx);
            } else {
                dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
                BorderPredictor.backward(m, weights, input, epsilon, dx, displayName());
            }
        }
        for (PaddingModule.Side s : m.paddedSides()) {
            g.gradientForVariable().put(s.weightKey(), gradTable.get(s.weightKey()));
            g.gradientForVariable().put(s.biasKey(), gradTable.get(s.biasKey()));
        }
        return new Pair<>(g, dx);
    }

    /**
     * Once per JVM: the FAST passes are Java threads, and ND4J's OpenMP threads, by default, spin for a while after
     * every native op on the cores those passes need (see docs/benchmarks.md).
     */
    private static void hintWaitPolicy() {
        if (System.getenv("OMP_WAIT_POLICY") == null && waitPolicyHinted.compareAndSet(false, true)) {
            log.info("OMP_WAIT_POLICY is not set: ND4J's OpenMP threads then spin after each op and slow down the "
                    + "Padding Module's training passes (measured 2.2-4.4x ZeroPaddingLayer's cost instead of 1.6-2.2x "
                    + "with PASSIVE). Start the JVM with OMP_WAIT_POLICY=PASSIVE in the environment; see "
                    + "docs/benchmarks.md");
        }
    }

    /** {@code e} with this layer's name in front of its message. */
    private IllegalArgumentException named(IllegalArgumentException e) {
        return new IllegalArgumentException("PaddingModule " + displayName() + ": " + e.getMessage(), e);
    }

    @Override
    public void clear() {
        super.clear();
        clearPending();
    }

    private void clearPending() {
        pendingInput = null;
        pendingWeights = null;
        pendingLocalLoss = null;
    }

    private void validate(INDArray x, boolean training) {
        PaddingModule m = module();
        if (x.rank() != 4) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + " expects rank-4 input (N, C, H, W), "
                    + "got rank " + x.rank() + " with shape " + Arrays.toString(x.shape())
                    + ". For flat image input set InputType.convolutionalFlat(h, w, c) on the network configuration");
        }
        if (m.getNChannels() > 0 && x.size(1) != m.getNChannels()) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + " was configured for "
                    + m.getNChannels() + " channels but got input with " + x.size(1) + " channels (shape "
                    + Arrays.toString(x.shape()) + "). Is the input NCHW? Check nChannels / the InputType");
        }
        if (x.size(2) < 1 || x.size(3) < 1) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + ": empty input " + Arrays.toString(x.shape()));
        }
        // NaN/Inf in the rows the predictor trains on is refused by the local loss, before any update.
    }

    // -----------------------------------------------------------------------------------------------------------------
    // SAMEDIFF reference path

    @Override
    protected void doInit() {
        super.doInit();
        if (module().getImplementation() != PaddingModule.Implementation.SAMEDIFF) {
            return;
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SDVariable out = sameDiff.getVariable(outputKey);
            long[] s = input.shape();
            PaddingModule m = module();
            SDVariable eps = sameDiff.placeHolder(EPS_KEY, dataType, -1, s[1], s[2] + m.getTop() + m.getBottom(),
                    s[3] + m.getLeft() + m.getRight());
            List<String> losses = new ArrayList<>();
            losses.add(out.mul(eps).sum().name());
            if (sameDiff.hasVariable(PaddingModuleGraph.LOCAL_LOSS)) {
                losses.add(PaddingModuleGraph.LOCAL_LOSS);
            }
            sameDiff.setLossVariables(losses.toArray(new String[0]));
        }
    }

    private INDArray sameDiffBackprop(INDArray epsilon) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) {
                doInit();
            }
            if (!sameDiff.hasGradientFunction()) {
                sameDiff.createGradFunction(INPUT_KEY);
            }
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(INPUT_KEY, input.detach());
            ph.put(MASK_KEY, layerConf().onesMaskForInput(input));
            ph.put(EPS_KEY, epsilon.detach());
            List<String> wanted = new ArrayList<>(paramTable.keySet());
            wanted.add(INPUT_KEY);
            Map<String, INDArray> grads = sameDiff.calculateGradients(ph, wanted);
            for (String key : paramTable.keySet()) {
                INDArray gk = grads.get(key);
                if (gk == null) {
                    gradTable.get(key).assign(0);
                } else {
                    gradTable.get(key).assign(gk);
                }
            }
            if (sameDiff.hasVariable(PaddingModuleGraph.LOCAL_LOSS)) {
                lastLocalLoss = sameDiff.output(ph, PaddingModuleGraph.LOCAL_LOSS)
                        .get(PaddingModuleGraph.LOCAL_LOSS).getDouble(0);
            } else {
                lastLocalLoss = Double.NaN;
            }
            INDArray dx = grads.get(INPUT_KEY);
            sameDiff.clearPlaceholders(true);
            sameDiff.clearOpInputs();
            return dx;
        }
    }
}
