package io.github.learnpad.layers;

import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Padding Module (Alrasheedi, Zhong and Huang, IEEE Access 2023): a layer that pads its input with values
 * predicted by a small self-supervised predictor instead of zeros.
 *
 * <p>Input {@code (N, C, H, W)} (NCHW, DL4J's default) or {@code (N, H, W, C)} (NHWC: the format follows the
 * network's {@code InputType}, as for DL4J's own layers, or {@link Builder#dataFormat}); output
 * {@code (N, C, H + top + bottom, W + left + right)} (or NHWC likewise); the interior of the output is the input,
 * unchanged. NHWC data is computed by the same passes through a permuted view (see {@code docs/padding-module.md}).
 * Each side that is padded has its own linear predictor, which sees the {@code contextDepth} (k) rows/columns just
 * inside that side through a window of {@code kernelWidth} (w) positions sliding along the border. Rows are padded
 * first (top, then bottom, ring by ring), then columns over the row-extended map (left, then right), so corners are
 * predicted by the column predictors.
 *
 * <p>During training the layer forms its own training pairs from its input (the outermost row/column of each side
 * is the target, the k rows/columns inside it the predictor input) and updates the predictor with its own local
 * loss and its own updater. The network's loss never changes the predictor's weights; {@link LocalLosses} reports the
 * local loss. The maths, with tensor shapes, is in {@link BorderPredictor} and {@code docs/padding-module.md}.
 *
 * <pre>{@code
 * new PaddingModule.Builder().padding(1).build();                        // 1 on every side
 * new PaddingModule.Builder().padding(top, bottom, left, right).build();  // any amounts >= 0
 * }</pre>
 *
 * <p>This is a DL4J {@link SameDiffLayer}: its SameDiff graph ({@link PaddingModuleGraph}) is the reference
 * implementation ({@link Implementation#SAMEDIFF}); by default the layer runs a hand-written path with explicit
 * gradients ({@link Implementation#FAST}) that gives the same outputs and gradients, is much faster, and accepts any
 * H x W (the stock SameDiff runtime fixes H x W at the first minibatch).
 */
public class PaddingModule extends SameDiffLayer {

    /** The predictor's local (self-supervised) loss. */
    public enum LocalLoss {
        /** Mean squared error between predicted and real outermost row/column (default). */
        MSE,
        /** Mean absolute error. */
        L1,
        /** No local loss: the predictor keeps its initial weights (a fixed linear padding). */
        NONE
    }

    /** Initial predictor weights. */
    public enum PredictorInit {
        /**
         * Copy the nearest row/column: the module starts as replicate padding, a sensible padding from the first
         * step, which the local loss then improves (default).
         */
        REPLICATE,
        /** All weights and biases zero: the module starts as zero padding. */
        ZEROS
    }

    /**
     * Which implementation of the same maths computes the layer. All four give the same outputs and gradients up to
     * rounding: they add in different orders and precisions, so their last bits differ. The choice is therefore part
     * of the configuration and saved with the model: a model computes with the arithmetic it was configured with,
     * never with one picked from the machine's environment (see the package documentation, "Implementation").
     */
    public enum Implementation {
        /**
         * The default: explicit forward and backward passes, any input size. Which passes run follows from the
         * configuration, the data type and the backend alone: on the CPU backend, Java passes for the depthwise
         * predictor and for FLOAT channel mixing (Java data movement around ND4J's matrix products) and
         * {@link #ND4J_OPS} for DOUBLE channel mixing; on any other backend, {@link #ND4J_OPS}.
         */
        FAST,
        /**
         * The same explicit passes built from ND4J ops only (no Java loop over elements, no copy to the host, so the
         * data stays on its device), for any configuration. Not yet run on a GPU (tested on the CPU backend).
         */
        ND4J_OPS,
        /**
         * The hand-written Java passes for every configuration, channel mixing included (in scalar loops, without
         * matrix products).
         */
        JAVA,
        /**
         * The SameDiff graph of {@link PaddingModuleGraph}, differentiated by SameDiff: the reference the others are
         * tested against. Slow, and the input height and width are fixed by the first minibatch (a DL4J SameDiff
         * runtime limitation).
         */
        SAMEDIFF
    }

    // The configuration and its defaults, written here only: the Builder fills an instance of this class.
    private int top;
    private int bottom;
    private int left;
    private int right;
    private int contextDepth = 2;
    private int kernelWidth = 3;
    private boolean channelMixing = false;
    private LocalLoss localLoss = LocalLoss.MSE;
    private boolean borderGradient = true;
    private PredictorInit predictorInit = PredictorInit.REPLICATE;
    private IUpdater predictorUpdater = new Adam(1e-3);
    private Implementation implementation = Implementation.FAST;
    private long nChannels;
    private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    /** For JSON deserialisation. */
    public PaddingModule() {
        noGradientNormalization();
    }

    protected PaddingModule(Builder b) {
        super(b);
        noGradientNormalization();
        PaddingModule v = b.values;
        top = v.top;
        bottom = v.bottom;
        left = v.left;
        right = v.right;
        contextDepth = v.contextDepth;
        kernelWidth = v.kernelWidth;
        channelMixing = v.channelMixing;
        localLoss = v.localLoss;
        borderGradient = v.borderGradient;
        predictorInit = v.predictorInit;
        predictorUpdater = v.predictorUpdater;
        implementation = v.implementation;
        nChannels = v.nChannels;
        dataFormat = v.dataFormat;
        validate();
    }

    /**
     * Checks the whole configuration. The Builder calls it, every setter checks its own value (Jackson sets the fields
     * of a configuration read from JSON through the setters, so a bad value there fails at load time too), and
     * {@link #setNIn} and {@link #instantiate} check again before the layer is used.
     */
    private void validate() {
        for (Side s : Side.values()) {
            checkSide(s, amount(s));
        }
        checkContextDepth(contextDepth);
        checkKernelWidth(kernelWidth);
        checkChannels(nChannels);
        Objects.requireNonNull(localLoss, "PaddingModule: localLoss must not be null");
        Objects.requireNonNull(predictorInit, "PaddingModule: predictorInit must not be null");
        Objects.requireNonNull(predictorUpdater, "PaddingModule: predictorUpdater must not be null");
        Objects.requireNonNull(implementation, "PaddingModule: implementation must not be null");
        Objects.requireNonNull(dataFormat, "PaddingModule: dataFormat must not be null");
    }

    private static int checkSide(Side s, int amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("PaddingModule: negative padding " + amount + " for side " + s.key()
                    + "; padding amounts must be >= 0");
        }
        return amount;
    }

    private static int checkContextDepth(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("PaddingModule: contextDepth must be >= 1, got " + k);
        }
        return k;
    }

    private static int checkKernelWidth(int w) {
        if (w < 1 || w % 2 == 0) {
            throw new IllegalArgumentException("PaddingModule: kernelWidth must be odd and >= 1 (so the window is "
                    + "centred on the padded position), got " + w);
        }
        return w;
    }

    private static long checkChannels(long c) {
        if (c < 0) {
            throw new IllegalArgumentException("PaddingModule: nChannels must be >= 0, got " + c);
        }
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // DL4J layer configuration

    /** The sides with padding > 0: only these have predictor parameters. */
    public Side[] paddedSides() {
        return Arrays.stream(Side.values()).filter(s -> amount(s) > 0).toArray(Side[]::new);
    }

    /** The padding amount of one side. */
    public int amount(Side s) {
        return amounts().get(s);
    }

    /** The four amounts as one value (not a bean property: the JSON keeps top, bottom, left, right). */
    SideAmounts amounts() {
        return SideAmounts.of(top, bottom, left, right);
    }

    /** Shape of one side's weight: {@code (C, k, w)} depthwise, {@code (C, C, k, w)} with channel mixing. */
    public long[] weightShape() {
        return channelMixing ? new long[]{nChannels, nChannels, contextDepth, kernelWidth}
                : new long[]{nChannels, contextDepth, kernelWidth};
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        requireChannels();
        for (Side s : paddedSides()) {
            params.addWeightParam(s.weightKey(), weightShape());
            params.addBiasParam(s.biasKey(), nChannels);
        }
    }

    private void requireChannels() {
        if (paddedSides().length > 0 && nChannels <= 0) {
            throw new IllegalStateException("PaddingModule: the number of channels is unknown. Call setInputType(...) "
                    + "on the network configuration (e.g. InputType.convolutional(h, w, c)) or Builder.nChannels(c)");
        }
    }

    /**
     * The parameters for the current configuration; none while the channel count is unknown. DL4J's
     * {@code LayerValidation} asks for the parameter keys while building the configuration, before {@link #setNIn}
     * (to attach global constraints): the module must not fail there, and must not remember that empty answer.
     * DL4J caches the list; it is recomputed if a setter changed the parameters' names or shapes since.
     * {@link #instantiate} refuses an unknown channel count.
     */
    @Override
    public SDLayerParams getLayerParams() {
        SDLayerParams now = new SDLayerParams();
        if (paddedSides().length > 0 && nChannels <= 0) {
            return now;
        }
        defineParameters(now);
        if (!now.equals(super.getLayerParams())) {
            setLayerParams(now);
        }
        return super.getLayerParams();
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Side s : paddedSides()) {
            INDArray w = params.get(s.weightKey());
            w.assign(0);
            params.get(s.biasKey()).assign(0);
            if (predictorInit == PredictorInit.REPLICATE) {
                int centre = kernelWidth / 2;
                for (long c = 0; c < nChannels; c++) {
                    if (channelMixing) {
                        w.putScalar(new long[]{c, c, 0, centre}, 1.0);
                    } else {
                        w.putScalar(new long[]{c, 0, centre}, 1.0);
                    }
                }
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable, SDVariable mask) {
        if (dataFormat == CNN2DFormat.NHWC) {
            // The graph is written for NCHW: permute in and out (the reference is for tests, not for speed).
            long[] s = layerInput.getShape();
            SDVariable out = PaddingModuleGraph.defineOutput(sd, layerInput.permute(0, 3, 1, 2),
                    new long[]{s[0], s[3], s[1], s[2]}, paramTable, this);
            return out.permute(0, 2, 3, 1);
        }
        return PaddingModuleGraph.defineOutput(sd, layerInput, layerInput.getShape(), paramTable, this);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        validate();
        requireChannels();
        PaddingModuleLayer ret = newRuntimeLayer(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        ret.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }

    /** The runtime layer {@link #instantiate} sets up (a test's subclass gives a deliberately broken one). */
    PaddingModuleLayer newRuntimeLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new PaddingModuleLayer(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = requireConvolutional(inputType);
        return InputType.convolutional(amounts().paddedHeight(in.getHeight()), amounts().paddedWidth(in.getWidth()),
                in.getChannels(), dataFormat);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        validate();
        InputType.InputTypeConvolutional in = requireConvolutional(inputType);
        if (nChannels <= 0 || override) {
            setNChannels(in.getChannels());
        }
        // The network's format wins, as for DL4J's ZeroPaddingLayer (flat input is reshaped to NCHW).
        dataFormat = in.getFormat();
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType != null && inputType.getType() == InputType.Type.CNNFlat) {
            InputType.InputTypeConvolutionalFlat f = (InputType.InputTypeConvolutionalFlat) inputType;
            return new org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor(f.getHeight(),
                    f.getWidth(), f.getDepth());
        }
        return null;
    }

    private InputType.InputTypeConvolutional requireConvolutional(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutionalFlat) {
            InputType.InputTypeConvolutionalFlat f = (InputType.InputTypeConvolutionalFlat) inputType;
            return (InputType.InputTypeConvolutional) InputType.convolutional(f.getHeight(), f.getWidth(), f.getDepth());
        }
        if (!(inputType instanceof InputType.InputTypeConvolutional)) {
            throw new IllegalArgumentException("PaddingModule (layer " + getLayerName() + ") needs convolutional "
                    + "input (N, C, H, W) or (N, H, W, C); got input type " + inputType);
        }
        return (InputType.InputTypeConvolutional) inputType;
    }

    @Override
    public void applyGlobalConfigToLayer(NeuralNetConfiguration.Builder globalConfig) {
        // Deliberately nothing: the predictor has its own updater and no regularisation (see getUpdaterByParam and
        // getRegularizationByParam), whatever the network sets globally.
    }

    /**
     * Always {@link GradientNormalization#None}: the predictor's gradient is its local loss's, which the network's
     * gradient normalisation or clipping must not rescale. DL4J copies the network's setting into every SameDiff layer
     * ({@code AbstractSameDiffLayer.applyGlobalConfig}) and its updater reads it back through this getter.
     */
    @Override
    public GradientNormalization getGradientNormalization() {
        return GradientNormalization.None;
    }

    /** Unused (see {@link #getGradientNormalization()}); DL4J's default. */
    @Override
    public double getGradientNormalizationThreshold() {
        return 1.0;
    }

    /** Ignored: see {@link #getGradientNormalization()}. */
    @Override
    public void setGradientNormalization(GradientNormalization ignored) {
        noGradientNormalization();
    }

    /** Ignored: see {@link #getGradientNormalization()}. */
    @Override
    public void setGradientNormalizationThreshold(double ignored) {
        noGradientNormalization();
    }

    /** The fields too (DL4J copies the network's setting into them unless set, and equals compares them). */
    private void noGradientNormalization() {
        gradientNormalization = GradientNormalization.None;
        gradientNormalizationThreshold = 1.0;
    }

    /**
     * None: the network's constraints ({@code constrainAllParameters}, {@code constrainWeights}, ...) never reach
     * the predictor, whose weights are set by its local loss alone (a non-negative constraint would clamp the
     * {@code -1} weight that continues a linear ramp).
     */
    @Override
    public List<LayerConstraint> getConstraints() {
        return null;
    }

    /** Ignored: see {@link #getConstraints()}. */
    @Override
    public void setConstraints(List<LayerConstraint> constraints) {
        // Deliberately nothing.
    }

    /** The predictor is trained by its own updater only, never by the network's. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return predictorUpdater;
    }

    /**
     * No L1/L2/weight decay: DL4J copies the network's global regularisation into every layer, but it would pull the
     * predictor away from the minimum of its local loss (for ResNet50's l2 the identity predictor would decay).
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return Collections.emptyList();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long nParams = 0;
        for (Side s : paddedSides()) {
            long n = 1;
            for (long d : weightShape()) {
                n *= d;
            }
            nParams += n + nChannels;
        }
        long perEx = out.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, PaddingModule.class, inputType, out)
                .standardMemory(nParams, predictorUpdater.stateSize(nParams))
                .workingMemory(0, perEx, 0, 2 * perEx)
                .cacheMemory(0, 0)
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Getters and setters (Jackson uses them for JSON, users too); each setter checks its value

    public int getTop() { return top; }
    public void setTop(int top) { this.top = checkSide(Side.TOP, top); }
    public int getBottom() { return bottom; }
    public void setBottom(int bottom) { this.bottom = checkSide(Side.BOTTOM, bottom); }
    public int getLeft() { return left; }
    public void setLeft(int left) { this.left = checkSide(Side.LEFT, left); }
    public int getRight() { return right; }
    public void setRight(int right) { this.right = checkSide(Side.RIGHT, right); }
    /** {@code [top, bottom, left, right]}. */
    public int[] getPadding() { return amounts().toArray(); }
    public int getContextDepth() { return contextDepth; }
    public void setContextDepth(int contextDepth) { this.contextDepth = checkContextDepth(contextDepth); }
    public int getKernelWidth() { return kernelWidth; }
    public void setKernelWidth(int kernelWidth) { this.kernelWidth = checkKernelWidth(kernelWidth); }
    public boolean isChannelMixing() { return channelMixing; }
    public void setChannelMixing(boolean channelMixing) { this.channelMixing = channelMixing; }
    public LocalLoss getLocalLoss() { return localLoss; }
    public void setLocalLoss(LocalLoss localLoss) {
        this.localLoss = Objects.requireNonNull(localLoss, "PaddingModule: localLoss must not be null");
    }
    public boolean isBorderGradient() { return borderGradient; }
    public void setBorderGradient(boolean borderGradient) { this.borderGradient = borderGradient; }
    public PredictorInit getPredictorInit() { return predictorInit; }
    public void setPredictorInit(PredictorInit predictorInit) {
        this.predictorInit = Objects.requireNonNull(predictorInit, "PaddingModule: predictorInit must not be null");
    }
    public IUpdater getPredictorUpdater() { return predictorUpdater; }
    public void setPredictorUpdater(IUpdater predictorUpdater) {
        this.predictorUpdater = Objects.requireNonNull(predictorUpdater, "PaddingModule: predictorUpdater must not be null");
    }
    public Implementation getImplementation() { return implementation; }
    public void setImplementation(Implementation implementation) {
        this.implementation = Objects.requireNonNull(implementation, "PaddingModule: implementation must not be null");
    }
    /** NCHW (default) or NHWC; set from the network's InputType when the network is built. */
    public CNN2DFormat getDataFormat() { return dataFormat; }
    public void setDataFormat(CNN2DFormat dataFormat) {
        this.dataFormat = Objects.requireNonNull(dataFormat, "PaddingModule: dataFormat must not be null");
    }
    public long getNChannels() { return nChannels; }
    public void setNChannels(long nChannels) { this.nChannels = checkChannels(nChannels); }

    /** The configuration's values, for {@link #equals} and {@link #hashCode}. */
    private Object[] values() {
        return new Object[]{top, bottom, left, right, contextDepth, kernelWidth, channelMixing, localLoss, borderGradient,
                predictorInit, predictorUpdater, implementation, nChannels, dataFormat};
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof PaddingModule && super.equals(o)
                && Arrays.equals(values(), ((PaddingModule) o).values());
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Arrays.hashCode(values());
    }

    @Override
    public PaddingModule clone() {
        return (PaddingModule) super.clone();
    }

    @Override
    public String toString() {
        return "PaddingModule(padding=" + Arrays.toString(getPadding()).replace(" ", "") + ", k=" + contextDepth
                + ", w=" + kernelWidth + (channelMixing ? ", channelMixing" : ", depthwise") + ", loss=" + localLoss
                + ", init=" + predictorInit + ", updater=" + predictorUpdater + ", " + implementation
                + (dataFormat == CNN2DFormat.NHWC ? ", NHWC" : "") + ")";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Builder for {@link PaddingModule}. */
    public static class Builder extends SameDiffLayer.Builder<Builder> {
        /** The values being built, starting from the configuration's defaults; checked by {@link #build()}. */
        private final PaddingModule values = new PaddingModule();

        /** The same padding {@code p >= 0} on all four sides. */
        public Builder padding(int p) {
            return padding(p, p, p, p);
        }

        /** Padding per side, each {@code >= 0}. */
        public Builder padding(int top, int bottom, int left, int right) {
            values.top = top;
            values.bottom = bottom;
            values.left = left;
            values.right = right;
            return this;
        }

        /** k: how many rows/columns inside a side the predictor sees (default 2: enough to extrapolate a slope). */
        public Builder contextDepth(int k) {
            values.contextDepth = k;
            return this;
        }

        /** w: the predictor's window along the border, odd (default 3). */
        public Builder kernelWidth(int w) {
            values.kernelWidth = w;
            return this;
        }

        /** Predict every channel from all channels (C x C weights per side) instead of from itself (default false). */
        public Builder channelMixing(boolean mixing) {
            values.channelMixing = mixing;
            return this;
        }

        /** The local loss: MSE (default), L1, or NONE (predictor frozen). */
        public Builder localLoss(LocalLoss loss) {
            values.localLoss = loss;
            return this;
        }

        /**
         * Whether the network's loss gradient flows into the input through the predicted border too (default true).
         * It always flows through the interior; the predictor's weights never receive it.
         */
        public Builder borderGradient(boolean on) {
            values.borderGradient = on;
            return this;
        }

        /** Initial predictor: REPLICATE (default) or ZEROS. */
        public Builder predictorInit(PredictorInit init) {
            values.predictorInit = init;
            return this;
        }

        /** The predictor's own updater (default Adam, learning rate 1e-3). */
        public Builder predictorUpdater(IUpdater updater) {
            values.predictorUpdater = updater;
            return this;
        }

        /** FAST (default), ND4J_OPS, JAVA or the SAMEDIFF reference. */
        public Builder implementation(Implementation impl) {
            values.implementation = impl;
            return this;
        }

        /**
         * The layout of the input and output: NCHW (default) or NHWC. In a network with an InputType the network's
         * format is used (as for DL4J's layers); this is for a module used without one.
         */
        public Builder dataFormat(CNN2DFormat format) {
            values.dataFormat = format;
            return this;
        }

        /** Number of input channels; normally set from the network's InputType. */
        public Builder nChannels(long c) {
            values.nChannels = c;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public PaddingModule build() {
            return new PaddingModule(this);
        }
    }
}
