package io.github.learnpad.spark;

import io.github.learnpad.layers.PaddingMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The example job's network, built from the library's layers only:
 * <pre>
 * input (N, C, H, W) -> [learned padding 1 -> conv3x3(8) -> relu] -> [learned padding 1 -> conv3x3(16) -> relu]
 *   -> global average pool -> dense softmax (N, classes)
 * </pre>
 * The convolutions pad nothing themselves (Truncate mode): every border value they read is the Padding Modules'.
 * Layers "pad1", "conv1", "pad2", "conv2", "gap", "output".
 */
public final class TinyCnn {
    private TinyCnn() {
    }

    /** The configuration: Adam({@code learningRate}) for the network, the Padding Modules' own updater for them. */
    public static ComputationGraphConfiguration conf(int channels, int height, int width, int classes,
            double learningRate, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(height, width, channels))
                .addLayer("pad1", PaddingMode.LEARNED.layer(1, 1, 1, 1), "input")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "pad1")
                .addLayer("pad2", PaddingMode.LEARNED.layer(1, 1, 1, 1), "conv1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build(),
                        "pad2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv2")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap")
                .setOutputs("output")
                .build();
    }
}
