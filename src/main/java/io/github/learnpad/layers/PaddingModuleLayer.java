package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.learnpad.layers.ArrayAccess.computeType;

/**
 * Runtime layer of {@link PaddingModule}.
 *
 * <p>With {@link PaddingModule.Implementation#FAST} (default), {@link PaddingModule.Implementation#ND4J_OPS} or
 * {@link PaddingModule.Implementation#JAVA} forward and backward are explicit passes, any H x W and minibatch size,
 * no graph. As with DL4J's layer helpers, the layer picks its implementation of the passes once
 * ({@link PaddingPasses#choose}, at the first pass on each data type) and keeps it for every later forward and
 * backward pass.
 * With {@link PaddingModule.Implementation#SAMEDIFF} it runs the SameDiff graph of {@link PaddingModuleGraph} through
 * DL4J's SameDiff runtime ({@link SameDiffReference}).
 *
 * <p>The predictor's gradient is the local loss's gradient, already a mean over the minibatch: it is not divided by
 * the minibatch size again ({@link #updaterDivideByMinibatch}). The FAST path computes the local loss and its
 * gradient during the training forward pass (the input is in cache then) and hands them to the backward pass; a
 * backward pass without a training forward on the same input computes them itself.
 */
public class PaddingModuleLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
    private static final Logger log = LoggerFactory.getLogger(PaddingModuleLayer.class);
    private static final AtomicBoolean waitPolicyHinted = new AtomicBoolean();
    private double lastLocalLoss = Double.NaN;
    /**
     * The FAST training forward's input, the weights it read and its local loss and gradient (null without a local
     * loss), for the backward pass on the same input.
     */
    private INDArray pendingInput;
    private PredictorWeights pendingWeights;
    private LocalLossResult pendingLocalLoss;
    /** See {@link PredictorWeights#gradientBuffer()}: allocated at the first training forward, outside any workspace. */
    private Map<String, INDArray> localGradientBuffer;
    /** The passes chosen for FLOAT (index 0) and DOUBLE (index 1) data, each at its first use, then kept. */
    private final PaddingPasses[] passes = new PaddingPasses[2];

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

    /**
     * The passes this layer runs on data of compute type dt: chosen at the first call, the same instance after (a
     * configuration changed after the layer's first pass keeps the passes chosen then, as DL4J's helpers do).
     */
    PaddingPasses passes(DataType dt) {
        int i = dt == DataType.DOUBLE ? 1 : 0;
        if (passes[i] == null) {
            passes[i] = choosePasses(dt);
        }
        return passes[i];
    }

    /** The one choice, made once per data type by {@link #passes} (a test's subclass counts it). */
    PaddingPasses choosePasses(DataType dt) {
        return PaddingPasses.choose(module(), dt);
    }

    private PaddingModule module() {
        return (PaddingModule) layerConf();
    }

    private String displayName() {
        String n = conf().getLayer().getLayerName();
        return "'" + (n != null ? n : "layer " + getIndex()) + "'";
    }

    /**
     * Copies {@code val} into the parameter {@code key} (DL4J's SameDiff runtime only checks the shape and keeps the
     * old values).
     *
     * @throws IllegalArgumentException for an unknown key or a shape other than the parameter's
     */
    @Override
    public void setParam(String key, INDArray val) {
        super.setParam(key, val);
        paramTable.get(key).assign(val);
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
        INDArray x = nchw(input);
        PaddingPasses passes = passes(computeType(x));
        long n = x.size(0), c = x.size(1);
        long ho = m.amounts().paddedHeight(x.size(2)), wo = m.amounts().paddedWidth(x.size(3));
        INDArray out;
        if (nhwc()) {
            // NHWC: the passes see (N, C, H, W) views of the NHWC arrays (they pack such views as they read and write).
            out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), n, ho, wo, c);
        } else if (passes.keepsChannelMajor(x)) {
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
        PredictorWeights weights = PredictorWeights.read(m, paramTable, this::localGradientBuffer);
        try {
            LocalLossResult loss = passes.forward(m, weights, x, nchw(out), displayName(), training);
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
        INDArray x = nchw(input);
        long[] outShape = m.amounts().paddedShape(x.shape());
        if (nhwc()) {
            outShape = new long[]{outShape[0], outShape[2], outShape[3], outShape[1]};
        }
        if (!Arrays.equals(epsilon.shape(), outShape)) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + ": gradient shape "
                    + Arrays.toString(epsilon.shape()) + " does not match the output shape " + Arrays.toString(outShape)
                    + " (" + m.getDataFormat() + ")");
        }
        INDArray dx;
        Gradient g = new DefaultGradient();
        if (m.getImplementation() == PaddingModule.Implementation.SAMEDIFF) {
            dx = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, sameDiffBackprop(epsilon));
        } else {
            PaddingPasses passes = passes(computeType(x));
            // Backprop goes through the forward pass's weights (what the output was computed with) when it has them.
            boolean sameInput = pendingInput == input;
            PredictorWeights weights = sameInput ? pendingWeights : PredictorWeights.read(m, paramTable);
            if (m.getLocalLoss() == PaddingModule.LocalLoss.NONE) {
                gradTable.values().forEach(a -> a.assign(0));
                lastLocalLoss = Double.NaN;
            } else if (sameInput && pendingLocalLoss != null) {
                pendingLocalLoss.writeTo(gradTable);
            } else {
                try {
                    lastLocalLoss = passes.localLoss(m, weights, x, gradTable);
                } catch (IllegalArgumentException e) {
                    throw named(e);
                }
            }
            clearPending();
            // Like ZeroPaddingLayer, hand back a view of epsilon's interior: the border's gradient is added onto its
            // sources in epsilon itself (DL4J layers may write into the epsilon they receive). Else a fresh array.
            INDArray[] fresh = new INDArray[1];
            INDArray d = passes.inputGradient(m, weights, x, nchw(epsilon), () -> nchw(fresh[0] =
                    workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape())),
                    displayName());
            dx = fresh[0] != null ? fresh[0] : workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inFormat(d));
        }
        for (Side s : m.paddedSides()) {
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
                    + "Padding Module's training passes (measured in docs/benchmarks.md). Start the JVM with "
                    + "OMP_WAIT_POLICY=PASSIVE in the environment");
        }
    }

    private boolean nhwc() {
        return module().getDataFormat() == CNN2DFormat.NHWC;
    }

    /** {@code a} (in the layer's format) as an (N, C, H, W) view. */
    private INDArray nchw(INDArray a) {
        return nhwc() ? a.permute(0, 3, 1, 2) : a;
    }

    /** An (N, C, H, W) array as a view in the layer's format. */
    private INDArray inFormat(INDArray a) {
        return nhwc() ? a.permute(0, 2, 3, 1) : a;
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
            throw new IllegalArgumentException("PaddingModule " + displayName() + " expects rank-4 input "
                    + (nhwc() ? "(N, H, W, C)" : "(N, C, H, W)") + ", "
                    + "got rank " + x.rank() + " with shape " + Arrays.toString(x.shape())
                    + ". For flat image input set InputType.convolutionalFlat(h, w, c) on the network configuration");
        }
        long channels = nchw(x).size(1);
        if (m.getNChannels() > 0 && channels != m.getNChannels()) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + " was configured for "
                    + m.getNChannels() + " channels but got input with " + channels + " channels (shape "
                    + Arrays.toString(x.shape()) + "). Is the input " + m.getDataFormat()
                    + "? Check nChannels / the InputType");
        }
        if (x.size(1) < 1 || x.size(2) < 1 || x.size(3) < 1) {
            throw new IllegalArgumentException("PaddingModule " + displayName() + ": empty input " + Arrays.toString(x.shape()));
        }
        // NaN/Inf in the rows the predictor trains on is refused by the local loss, before any update (FAST: in the
        // training forward; SAMEDIFF: in the backward pass, before the gradients are written).
    }

    // -----------------------------------------------------------------------------------------------------------------
    // SAMEDIFF reference path: see SameDiffReference

    @Override
    protected void doInit() {
        super.doInit();
        if (module().getImplementation() == PaddingModule.Implementation.SAMEDIFF) {
            SameDiffReference.addLosses(sameDiff, outputKey, input.shape(), module(), dataType);
        }
    }

    private Map<String, INDArray> localGradientBuffer() {
        if (localGradientBuffer == null) {
            Map<String, INDArray> b = new LinkedHashMap<>();
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                paramTable.forEach((key, p) -> b.put(key, Nd4j.create(p.dataType(), p.shape())));
            }
            localGradientBuffer = b;
        }
        return localGradientBuffer;
    }

    private INDArray sameDiffBackprop(INDArray epsilon) {
        if (sameDiff == null) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                doInit();
            }
        }
        SameDiffReference.Backward b = SameDiffReference.backward(sameDiff, input, layerConf().onesMaskForInput(input),
                epsilon, gradTable, displayName());
        lastLocalLoss = b.localLoss;
        return b.inputGradient;
    }
}
