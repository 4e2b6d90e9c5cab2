package io.github.learnpad;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child-JVM half of {@link OneDnnIsaCapTest}: builds a fixed FLOAT network whose convolutions are the shapes where
 * oneDNN 2.3 on an AVX-512 CPU runs the backward pass as Winograd (3x3, stride 1, padding 1, 256 channels on 4x4
 * maps, batch 16: the test checks the verbose log for {@code jit_wino}), computes one gradient on fixed data with
 * DL4J's oneDNN helpers on, and writes the score and the flattened gradient to a file. Which kernels oneDNN runs is
 * decided by the environment the JVM starts with ({@code DNNL_MAX_CPU_ISA}), which is why this runs as its own
 * process.
 *
 * <p>Usage: {@code OneDnnIsaCapProbe <output file>}. File format ({@link DataOutputStream}, big-endian): the score as
 * a double, the gradient's length as an int, then that many floats. Prints {@link OneDnn#describe} and the time of
 * the gradient computation to stdout.
 */
public final class OneDnnIsaCapProbe {
    /**
     * 16, not 8: with no more threads than cores, oneDNN 2.3 picks Winograd (backward weights, here) only for a batch
     * above 8 (observed: batch 8 ran direct kernels only).
     */
    static final int BATCH = 16;
    static final int CHANNELS = 256;
    static final int SIZE = 4;
    static final int CLASSES = 10;
    static final long SEED = 20261206L;

    private OneDnnIsaCapProbe() {
    }

    /** Score and flattened gradient of one computation. */
    record Result(double score, float[] gradient) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: OneDnnIsaCapProbe <output file>");
            System.exit(2);
        }
        if (!OneDnn.enable()) {
            System.err.println("OneDnnIsaCapProbe: " + OneDnn.status());
            System.exit(3);
        }
        MultiLayerNetwork net = network();
        System.out.println("probe: " + OneDnn.describe(net));
        Random random = new Random(SEED);
        INDArray input = Nd4j.create(randomFloats(random, BATCH * CHANNELS * SIZE * SIZE),
                new long[]{BATCH, CHANNELS, SIZE, SIZE}, DataType.FLOAT);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, random.nextInt(CLASSES), 1f);
        }
        net.setInput(input);
        net.setLabels(labels);
        long start = System.nanoTime();
        net.computeGradientAndScore();
        System.out.printf("probe: gradient computed in %.1f ms%n", (System.nanoTime() - start) / 1e6);
        write(Path.of(args[0]), new Result(net.score(), net.gradient().gradient().toFloatVector()));
    }

    /**
     * conv 256->256 3x3 (Same) -> batch norm -> ReLU -> conv 256->256 3x3 (Same) -> ReLU -> global average pooling
     * -> dense softmax 10, FLOAT, fixed seed.
     */
    static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(CHANNELS)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(CHANNELS)
                        .activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(SIZE, SIZE, CHANNELS))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static float[] randomFloats(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    static void write(Path file, Result r) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeDouble(r.score());
            out.writeInt(r.gradient().length);
            for (float f : r.gradient()) {
                out.writeFloat(f);
            }
        }
    }

    static Result read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            double score = data.readDouble();
            float[] g = new float[data.readInt()];
            for (int i = 0; i < g.length; i++) {
                g[i] = data.readFloat();
            }
            return new Result(score, g);
        }
    }
}
