package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
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
 * ResNet50 (He et al., 2016) in the layout of DL4J's zoo {@code ResNet50}, with a choice of padding. Vertex names
 * are the zoo's ({@code res2a_branch2a}, {@code bn2a_branch2a}, ...).
 *
 * <pre>{@code
 * ComputationGraph g = ResNet50.builder().numClasses(10).inputShape(3, 32, 32).padding(PaddingMode.LEARNED)
 *         .build().init();
 * }</pre>
 *
 * <p>Padding: the zoo's 3x3 convolutions ({@code res*_branch2b}) are {@code ConvolutionMode.Same} with stride 1,
 * i.e. padding 1 on every side whatever the input size; here each is a padding layer {@code <conv>-pad} of the chosen
 * mode followed by the convolution with padding 0 (Truncate). The 1x1 convolutions (stride 1 or 2, Truncate) have
 * no padding. No convolution is strided and Same, so nothing depends on the input size.
 *
 * <p>Input {@code (N, C, H, W)}; output {@code (N, numClasses)} softmax.
 * <ul>
 *     <li>{@link Variant#IMAGENET}: the zoo's layout exactly: stem {@code stem-zero} (the mode's padding layer, 3 on
 *     each side, in place of the zoo's ZeroPaddingLayer), 7x7/2 convolution, batch norm, ReLU, 3x3/2 max pool; four
 *     stages (3, 4, 6, 3 bottleneck blocks, the first of each with stride 2 as in the zoo); then the zoo's
 *     {@code avgpool}, which is a 3x3/2 <em>max</em> pool, and the output layer. Same parameter count as the zoo
 *     with ZERO padding. Needs inputs of at least 69 x 69 (the final pool; refused below).</li>
 *     <li>{@link Variant#CIFAR}: stem = 3x3 stride-1 convolution (padding 1 from the mode), batch norm, ReLU, no
 *     max pool; the same four stages; then global average pooling {@code avgpool} and the output layer. At 32 x 32
 *     the stages see 16, 8, 4 and 2 pixel maps (the zoo strides stage 2 too; the usual CIFAR ResNet does not, at
 *     four times the compute).</li>
 * </ul>
 * Weights: He (ReLU) initialisation instead of the zoo's truncated normal N(0, 0.5), whose activations overflow at
 * initialisation; no L1/L2 (the zoo sets 1e-7 / 5e-5); updater from the builder (Adam 1e-3 by default).
 */
public final class ResNet50 extends ModelBuilder.Model {

    private ResNet50(ComputationGraphConfiguration conf) {
        super(conf);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options: see {@link ModelBuilder}. */
    public static final class Builder extends ModelBuilder<Builder, ResNet50> {
        private Builder() {
        }

        @Override
        public ResNet50 build() {
            validate("ResNet50");
            if (resolvedVariant() == Variant.IMAGENET && (res5Size(height) < 2 || res5Size(width) < 2)) {
                throw new IllegalStateException("ResNet50: the IMAGENET (zoo) layout needs inputs of at least 69 x 69 "
                        + "(its final 3x3/2 pool needs a 2x2 or larger last feature map), got " + height + " x "
                        + width + ". Use variant(Variant.CIFAR) for small images");
            }
            return new ResNet50(conf(this));
        }
    }

    /** Side of the last feature map (res5c) of the IMAGENET layout for an input side {@code s}. */
    static int res5Size(int s) {
        int x = (s + 6 - 7) / 2 + 1;   // stem: pad 3, 7x7 stride 2
        x = (x - 3) / 2 + 1;           // 3x3/2 max pool
        for (int stage = 0; stage < 4; stage++) {
            x = (x - 1) / 2 + 1;       // 1x1 stride 2 at the start of each stage
        }
        return x;
    }

    private static ComputationGraphConfiguration conf(Builder b) {
        boolean cifar = b.resolvedVariant() == Variant.CIFAR;
        PaddingVariant mode = b.padding;
        GraphBuilder g = b.graph(b.common().activation(Activation.IDENTITY));

        String stemOut;
        if (cifar) {
            PaddedConv.add(g, "stem-cnn1", "input", mode, 1, new ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(64));
            g.addLayer("stem-batch1", new BatchNormalization(), "stem-cnn1")
                    .addLayer("stem-act1", relu(), "stem-batch1");
            stemOut = "stem-act1";
        } else {
            g.addLayer("stem-zero", mode.layer(3), "input")
                    .addLayer("stem-cnn1", new ConvolutionLayer.Builder(7, 7).stride(2, 2).nOut(64).build(),
                            "stem-zero")
                    .addLayer("stem-batch1", new BatchNormalization(), "stem-cnn1")
                    .addLayer("stem-act1", relu(), "stem-batch1")
                    .addLayer("stem-maxpool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX,
                            new int[]{3, 3}, new int[]{2, 2}).build(), "stem-act1");
            stemOut = "stem-maxpool1";
        }

        String last = stemOut;
        int[][] filters = {{64, 64, 256}, {128, 128, 512}, {256, 256, 1024}, {512, 512, 2048}};
        int[] blocks = {3, 4, 6, 3};
        for (int s = 0; s < 4; s++) {
            String stage = String.valueOf(s + 2);
            for (int k = 0; k < blocks[s]; k++) {
                String block = String.valueOf((char) ('a' + k));
                last = bottleneck(g, mode, filters[s], stage, block, last, k == 0);
            }
        }

        if (cifar) {
            g.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        } else {
            // The zoo's "avgpool" is a 3x3 max pool (default stride 2) followed by a dense output layer.
            g.addLayer("avgpool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{3, 3})
                    .build(), last);
        }
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .nOut(b.numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(),
                "avgpool")
                .setOutputs("output");
        return g.build();
    }

    /**
     * One bottleneck block: 1x1 (stride 2 in the first block of a stage) -> padded 3x3 -> 1x1, each with batch norm,
     * plus the shortcut (a strided 1x1 convolution with batch norm in the first block, identity otherwise), ReLU.
     */
    private static String bottleneck(GraphBuilder g, PaddingVariant mode, int[] f, String stage, String block,
            String input, boolean convShortcut) {
        String conv = "res" + stage + block + "_branch";
        String bn = "bn" + stage + block + "_branch";
        String act = "act" + stage + block + "_branch";
        String shortcut = "short" + stage + block + "_branch";
        int stride = convShortcut ? 2 : 1;

        g.addLayer(conv + "2a", new ConvolutionLayer.Builder(1, 1).stride(stride, stride).nOut(f[0]).build(), input)
                .addLayer(bn + "2a", new BatchNormalization(), conv + "2a")
                .addLayer(act + "2a", relu(), bn + "2a");
        PaddedConv.add(g, conv + "2b", act + "2a", mode, 1, new ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(f[1]));
        g.addLayer(bn + "2b", new BatchNormalization(), conv + "2b")
                .addLayer(act + "2b", relu(), bn + "2b")
                .addLayer(conv + "2c", new ConvolutionLayer.Builder(1, 1).nOut(f[2]).build(), act + "2b")
                .addLayer(bn + "2c", new BatchNormalization(), conv + "2c");
        String residual = input;
        if (convShortcut) {
            g.addLayer(conv + "1", new ConvolutionLayer.Builder(1, 1).stride(stride, stride).nOut(f[2]).build(), input)
                    .addLayer(bn + "1", new BatchNormalization(), conv + "1");
            residual = bn + "1";
        }
        g.addVertex(shortcut, new ElementWiseVertex(ElementWiseVertex.Op.Add), bn + "2c", residual)
                .addLayer(conv, relu(), shortcut);
        return conv;
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
