package io.github.learnpad.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * VGG16 (Simonyan and Zisserman, 2015) with a choice of padding: every 3x3 convolution is preceded by a padding layer
 * {@code <conv>-pad} of the chosen {@code PaddingMode} (1 on each side) and runs unpadded (Truncate).
 *
 * <pre>{@code
 * ComputationGraph g = Vgg16.builder().numClasses(10).inputShape(3, 32, 32).padding(PaddingMode.LEARNED).seed(42)
 *         .build().init();
 * }</pre>
 *
 * <p>Input {@code (N, C, H, W)}, H and W multiples of 32 (five 2x2 max-pools); output {@code (N, numClasses)}
 * softmax. Convolutions {@code conv<block>_<i>} (blocks of 2, 2, 3, 3, 3 with 64, 128, 256, 512, 512 channels),
 * pools {@code pool<block>}, then:
 * <ul>
 *     <li>{@link Variant#IMAGENET}: the zoo's layout: ReLU convolutions, {@code fc1}/{@code fc2} dense 4096 with
 *     dropout 0.5, {@code output}; 138,357,544 parameters for 1000 classes at 224 x 224 with ZERO padding, as the
 *     zoo model;</li>
 *     <li>{@link Variant#CIFAR}: each convolution followed by batch normalisation {@code <conv>-bn} and ReLU
 *     {@code <conv>-relu}, and a small head: {@code fc1}/{@code fc2} dense 512 (ReLU, dropout 0.5 on their inputs),
 *     {@code output}.</li>
 * </ul>
 * Weights: He (ReLU) initialisation; updater from the builder (Adam 1e-3 by default).
 */
public final class Vgg16 extends ModelBuilder.Model {

    private static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    private Vgg16(ComputationGraphConfiguration conf) {
        super(conf);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options: see {@link ModelBuilder}. */
    public static final class Builder extends ModelBuilder<Builder, Vgg16> {
        private double widthMultiplier = 1;

        private Builder() {
        }

        /**
         * Scales every layer's width (convolution channels and the hidden dense layers) by {@code m} (rounded, at
         * least 1): 0.125 gives 8..64 channels instead of 64..512, about 1/64 of the arithmetic. Default 1 (VGG16
         * itself); anything else is a deviation from VGG16 to state when reporting results.
         */
        public Builder widthMultiplier(double m) {
            if (!(m > 0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("Vgg16: width multiplier must be > 0, got " + m);
            }
            this.widthMultiplier = m;
            return this;
        }

        @Override
        public Vgg16 build() {
            validate("Vgg16");
            if (height % 32 != 0 || width % 32 != 0) {
                throw new IllegalStateException("Vgg16: input height and width must be multiples of 32 (five 2x2 "
                        + "max-pools), got " + height + " x " + width);
            }
            return new Vgg16(conf(this));
        }
    }

    private static int scaled(int width, double multiplier) {
        return Math.max(1, (int) Math.round(width * multiplier));
    }

    private static ComputationGraphConfiguration conf(Builder b) {
        boolean cifar = b.resolvedVariant() == Variant.CIFAR;
        GraphBuilder g = b.graph(b.common().activation(Activation.RELU));
        String last = "input";
        for (int blk = 0; blk < BLOCKS.length; blk++) {
            for (int i = 0; i < BLOCKS[blk].length; i++) {
                String name = "conv" + (blk + 1) + "_" + (i + 1);
                ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(3, 3).stride(1, 1)
                        .nOut(scaled(BLOCKS[blk][i], b.widthMultiplier))
                        .activation(cifar ? Activation.IDENTITY : Activation.RELU);
                last = PaddedConv.add(g, name, last, b.padding, 1, conv);
                if (cifar) {
                    g.addLayer(name + "-bn", new BatchNormalization.Builder().build(), last);
                    g.addLayer(name + "-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                            name + "-bn");
                    last = name + "-relu";
                }
            }
            String pool = "pool" + (blk + 1);
            g.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build(), last);
            last = pool;
        }
        int hidden = scaled(cifar ? 512 : 4096, b.widthMultiplier);
        g.addLayer("fc1", new DenseLayer.Builder().nOut(hidden).dropOut(0.5).build(), last)
                .addLayer("fc2", new DenseLayer.Builder().nOut(hidden).dropOut(0.5).build(), "fc1")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .nOut(b.numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "fc2")
                .setOutputs("output");
        return g.build();
    }
}
