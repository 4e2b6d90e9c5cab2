package io.github.learnpad.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A small CNN for quick experiments with a padding layer of the chosen {@code PaddingMode} ({@code pad1} ..
 * {@code pad4}, 1 on each side) before every 3x3 convolution:
 * <pre>
 * input (N, C, H, W)
 *  -> [pad 1 -> conv3x3(w) -> BN -> relu] x 2 -> maxpool 2x2
 *  -> [pad 1 -> conv3x3(2w) -> BN -> relu] x 2 -> global average pool -> dense softmax (N, numClasses)
 * </pre>
 * The convolutions have no padding of their own (Truncate mode), so every border value they read comes from the
 * padding layer. With width 16 it has 16,986 parameters for 1 x 28 x 28 input and 10 classes (ZERO padding;
 * LEARNED adds 1,820). Its speed is measured in docs/benchmarks.md.
 *
 * <pre>{@code
 * ComputationGraph net = SmallCnn.builder().numClasses(10).inputShape(1, 28, 28)
 *         .padding(PaddingMode.LEARNED).updater(new Adam(1e-3)).seed(42).build().init();
 * }</pre>
 *
 * <p>Options as in {@link ModelBuilder}, with a default input of 1 x 28 x 28 and at least 2 classes; it has one
 * layout, so {@code variant(...)} is refused. {@link Builder#baseWidth} sets w (default 16).
 */
public final class SmallCnn extends ModelBuilder.Model {
    private SmallCnn(ComputationGraphConfiguration conf) {
        super(conf);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options: see {@link ModelBuilder}, plus {@link #baseWidth}. */
    public static final class Builder extends ModelBuilder<Builder, SmallCnn> {
        private int baseWidth = 16;

        private Builder() {
            inputShape(1, 28, 28);
        }

        /** Channels of the first two convolutions (the last two have twice as many); default 16. */
        public Builder baseWidth(int w) {
            this.baseWidth = w;
            return this;
        }

        @Override
        public SmallCnn build() {
            validate("SmallCnn");
            if (numClasses < 2) {
                throw new IllegalStateException("SmallCnn: numClasses must be >= 2, got " + numClasses);
            }
            if (height < 4 || width < 4) {
                throw new IllegalStateException("SmallCnn: input height and width must be >= 4, got " + height
                        + " x " + width);
            }
            if (baseWidth < 1) {
                throw new IllegalStateException("SmallCnn: baseWidth must be >= 1, got " + baseWidth);
            }
            if (variant != null) {
                throw new IllegalStateException("SmallCnn has one layout; do not set variant(" + variant + ")");
            }
            return new SmallCnn(conf(this));
        }
    }

    /** The graph configuration: input "input" {@code (N, C, H, W)}, output "output" {@code (N, numClasses)}. */
    private static ComputationGraphConfiguration conf(Builder b) {
        ComputationGraphConfiguration.GraphBuilder g = b.graph(b.common()
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED));
        String prev = "input";
        int[] widths = {b.baseWidth, b.baseWidth, 2 * b.baseWidth, 2 * b.baseWidth};
        for (int i = 0; i < widths.length; i++) {
            int n = i + 1;
            g.addLayer("pad" + n, b.padding.layer(1, 1, 1, 1), prev);
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
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(b.numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap");
        g.setOutputs("output");
        return g.build();
    }
}
