package io.github.learnpad.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Objects;

/**
 * A small CNN for quick experiments with a padding layer before every 3x3 convolution:
 * <pre>
 * input (N, C, H, W)
 *  -> [pad 1 -> conv3x3(w) -> BN -> relu] x 2 -> maxpool 2x2
 *  -> [pad 1 -> conv3x3(2w) -> BN -> relu] x 2 -> global average pool -> dense softmax (N, numClasses)
 * </pre>
 * The convolutions have no padding of their own (Truncate mode), so every border value they read comes from the
 * chosen padding layer. With width 16 it has 16,986 parameters for 1 x 28 x 28 input and 10 classes (zero padding;
 * learned padding adds 1,820). Measured on 2 cores shared with other jobs (load ~8): 25-45 training images per
 * second with zero padding at 28 x 28.
 *
 * <pre>{@code
 * ComputationGraph net = SmallCnn.builder().numClasses(10).inputShape(1, 28, 28)
 *         .padding(PaddingMode.LEARNED::layer).learningRate(1e-3).seed(42).build().init();
 * }</pre>
 */
public final class SmallCnn {
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final int baseWidth;
    private final PaddingLayerFactory padding;
    private final IUpdater updater;
    private final long seed;

    private SmallCnn(Builder b) {
        this.numClasses = b.numClasses;
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
        this.baseWidth = b.baseWidth;
        this.padding = Objects.requireNonNull(b.padding, "SmallCnn: padding(...) must be set");
        this.updater = b.updater != null ? b.updater : new Adam(b.learningRate);
        this.seed = b.seed;
        if (numClasses < 2) {
            throw new IllegalArgumentException("SmallCnn: numClasses must be >= 2, got " + numClasses);
        }
        if (channels < 1 || height < 4 || width < 4) {
            throw new IllegalArgumentException("SmallCnn: input shape must be (C>=1, H>=4, W>=4), got ("
                    + channels + ", " + height + ", " + width + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The graph configuration: input "input" {@code (N, C, H, W)}, output "output" {@code (N, numClasses)}. */
    public ComputationGraphConfiguration conf() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(height, width, channels));
        String prev = "input";
        int[] widths = {baseWidth, baseWidth, 2 * baseWidth, 2 * baseWidth};
        for (int i = 0; i < widths.length; i++) {
            int n = i + 1;
            g.addLayer("pad" + n, padding.layer(1, 1, 1, 1), prev);
            g.addLayer("conv" + n, new ConvolutionLayer.Builder(3, 3).nOut(widths[i]).hasBias(false).build(),
                    "pad" + n);
            g.addLayer("bn" + n, new BatchNormalization.Builder().build(), "conv" + n);
            g.addLayer("relu" + n, new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn" + n);
            prev = "relu" + n;
            if (i == 1) {
                g.addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build(), prev);
                prev = "pool";
            }
        }
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap");
        g.setOutputs("output");
        return g.build();
    }

    /** A new, initialised network (same seed, same initial weights). */
    public ComputationGraph init() {
        ComputationGraph net = new ComputationGraph(conf());
        net.init();
        return net;
    }

    /** Builder for {@link SmallCnn}. */
    public static final class Builder {
        private int numClasses = 10;
        private int channels = 1;
        private int height = 28;
        private int width = 28;
        private int baseWidth = 16;
        private PaddingLayerFactory padding;
        private double learningRate = 1e-3;
        private IUpdater updater;
        private long seed = 42;

        public Builder numClasses(int n) { this.numClasses = n; return this; }

        /** Input {@code (C, H, W)}. */
        public Builder inputShape(int c, int h, int w) { this.channels = c; this.height = h; this.width = w; return this; }

        /** Channels of the first two convolutions (the last two have twice as many); default 16. */
        public Builder baseWidth(int w) { this.baseWidth = w; return this; }

        /** The padding layer before each convolution, e.g. {@code PaddingMode.LEARNED::layer}. */
        public Builder padding(PaddingLayerFactory f) { this.padding = f; return this; }

        /** Adam learning rate (default 1e-3). */
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }

        /**
         * The network's updater, e.g. {@code new Adam(LearningRateSchedule.COSINE.schedule(2e-3, 10, 0.01))};
         * replaces {@link #learningRate}. The Padding Modules' predictors keep their own updater.
         */
        public Builder updater(IUpdater u) { this.updater = u; return this; }

        public Builder seed(long seed) { this.seed = seed; return this; }

        public SmallCnn build() { return new SmallCnn(this); }
    }
}
