package io.github.learnpad.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.HashSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients of {@link FixedPadding} in double precision: DL4J's {@link GradientCheckUtil} on networks where the padding
 * sits between two convolutions (so the first convolution's parameter gradients pass through the padding's backward),
 * a finite-difference check of the network's input gradient with the padding as first layer, and the exact adjoint
 * identity {@code <pad(x), g> = <x, unpad(g)>}.
 */
class FixedPaddingGradientTest {

    private static final int C = 2;
    private static final int H = 6;
    private static final int W = 5;
    private static final int N = 2;

    private static DataType savedType;
    private static DataType savedFloatType;

    @BeforeAll
    static void doublePrecision() {
        savedType = Nd4j.dataType();
        savedFloatType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedType, savedFloatType);
    }

    /**
     * Mode and [top, bottom, left, right]: symmetric, asymmetric, and amounts up to the largest reflect allows on the
     * 5x4 map the first convolution makes of a 6x5 input.
     */
    static Stream<Arguments> cases() {
        return Stream.of(FixedPadding.Mode.values()).flatMap(m -> Stream.of(
                Arguments.of(m, new int[]{1, 1, 1, 1}),
                Arguments.of(m, new int[]{2, 0, 1, 3}),
                Arguments.of(m, new int[]{4, 3, 3, 2})));
    }

    static Stream<Arguments> graphCases() {
        return Stream.of(FixedPadding.Mode.values()).map(m -> Arguments.of(m, new int[]{0, 2, 3, 1}));
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER);
    }

    private static FixedPadding padLayer(FixedPadding.Mode mode, int[] p) {
        return new FixedPadding.Builder(mode).padding(p[0], p[1], p[2], p[3]).build();
    }

    private static INDArray input() {
        Nd4j.getRandom().setSeed(42);
        return Nd4j.rand(DataType.DOUBLE, N, C, H, W).subi(0.5);
    }

    private static INDArray labels() {
        return Nd4j.rand(DataType.DOUBLE, N, 3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void multiLayerNetwork(FixedPadding.Mode mode, int[] p) {
        MultiLayerConfiguration conf = base().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build())
                .layer(padLayer(mode, p))
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(H, W, C))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // Only conv1's gradients pass through the padding's backward; the layers after it are not checked (saves
        // three quarters of the time; their gradients depend on the padding's forward only, tested elsewhere).
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input())
                .excludeParams(new HashSet<>(Arrays.asList("2_W", "2_b", "4_W", "4_b")))
                .labels(labels()).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "gradient check failed for " + mode + " " + Arrays.toString(p));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("graphCases")
    void computationGraph(FixedPadding.Mode mode, int[] p) {
        ComputationGraphConfiguration conf = base().graphBuilder()
                .addInputs("in")
                .addLayer("conv1", new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build(), "in")
                // Two paddings of conv1 (whose epsilons ComputationGraph sums), merged along the channels: each padding
                // receives a non-contiguous view of the merge's epsilon, which its in-place backward must respect.
                .addLayer("padA", padLayer(mode, p), "conv1")
                .addLayer("padB", padLayer(FixedPadding.Mode.REPLICATE, p), "conv1")
                .addVertex("merge", new MergeVertex(), "padA", "padB")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(),
                        "merge")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(H, W, C))
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{input()}).labels(new INDArray[]{labels()}).epsilon(1e-6)
                .excludeParams(new HashSet<>(Arrays.asList("conv2_W", "conv2_b", "out_W", "out_b"))).maxRelError(1e-5)
                .minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "gradient check failed for " + mode + " " + Arrays.toString(p));
    }

    static Stream<Arguments> inputCases() {
        return Stream.of(PaddingMode.ZERO, PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR)
                .flatMap(m -> Stream.of(Arguments.of(m, new int[]{1, 1, 1, 1}), Arguments.of(m, new int[]{2, 1, 0, 3})));
    }

    /**
     * Central differences of the network's score with respect to each input element, padding as the first layer of a
     * 3x4 input. DL4J's input gradient is that of the summed loss while {@code score()} is the mean over the
     * minibatch, so backprop = N x finite difference; DL4J's own ZeroPaddingLayer is the control for that convention.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("inputCases")
    void inputGradientMatchesFiniteDifferences(PaddingMode mode, int[] p) {
        int h = 3;
        int w = 4;
        MultiLayerConfiguration conf = base().list()
                .layer(mode.layer(p[0], p[1], p[2], p[3]))
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(h, w, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, 1, h, w);
        INDArray y = labels();
        INDArray grad = net.calculateGradients(x, y, null, null).getSecond().dup().reshape(-1);
        double eps = 1e-6;
        INDArray flat = x.reshape(-1);
        for (int k = 0; k < flat.length(); k++) {
            double orig = flat.getDouble(k);
            flat.putScalar(k, orig + eps);
            double plus = net.score(new DataSet(x, y), false);
            flat.putScalar(k, orig - eps);
            double minus = net.score(new DataSet(x, y), false);
            flat.putScalar(k, orig);
            double fd = N * (plus - minus) / (2 * eps);
            assertEquals(fd, grad.getDouble(k), 1e-8 + 1e-6 * Math.abs(fd), "input element " + k + " for " + mode);
        }
    }

    /** Padding is linear, so its backward must be its exact adjoint: {@code <pad(x), g> = <x, unpad(g)>}. */
    @Test
    void backwardIsTheAdjointOfForward() {
        Nd4j.getRandom().setSeed(3);
        for (FixedPadding.Mode mode : FixedPadding.Mode.values()) {
            for (int[] p : new int[][]{{1, 1, 1, 1}, {3, 0, 2, 4}, {0, 3, 4, 0}}) {
                INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 4, 5);
                INDArray g = Nd4j.rand(DataType.DOUBLE, 3, 2, 4 + p[0] + p[1], 5 + p[2] + p[3]);
                INDArray out = FixedPaddingOps.pad(x, mode, p, Nd4j.create(DataType.DOUBLE, g.shape()));
                INDArray back = FixedPaddingOps.unpadInPlace(g.dup(), mode, p);
                double lhs = out.mul(g).sumNumber().doubleValue();
                double rhs = x.mul(back).sumNumber().doubleValue();
                assertEquals(lhs, rhs, 1e-12 * Math.abs(lhs), mode + " " + Arrays.toString(p));
            }
        }
    }
}
