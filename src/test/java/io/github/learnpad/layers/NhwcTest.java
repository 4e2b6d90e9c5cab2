package io.github.learnpad.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

/**
 * NHWC: a network whose InputType is NHWC gives the NCHW network's results on the permuted input, for the Padding
 * Module (default float path, channel mixing, the SAMEDIFF reference) and the fixed modes.
 */
class NhwcTest {

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("learned (float depthwise)", DataType.FLOAT,
                        (Supplier<org.deeplearning4j.nn.conf.layers.Layer>) () ->
                                new PaddingModule.Builder().padding(2, 1, 1, 2).build()),
                Arguments.of("learned (channel mixing)", DataType.FLOAT,
                        (Supplier<org.deeplearning4j.nn.conf.layers.Layer>) () ->
                                new PaddingModule.Builder().padding(1).channelMixing(true).build()),
                Arguments.of("learned (SAMEDIFF reference)", DataType.DOUBLE,
                        (Supplier<org.deeplearning4j.nn.conf.layers.Layer>) () -> new PaddingModule.Builder()
                                .padding(1, 2, 2, 1).implementation(PaddingModule.Implementation.SAMEDIFF).build()),
                Arguments.of("reflect", DataType.FLOAT,
                        (Supplier<org.deeplearning4j.nn.conf.layers.Layer>) () ->
                                new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(2, 1, 1, 2).build()),
                Arguments.of("circular", DataType.FLOAT,
                        (Supplier<org.deeplearning4j.nn.conf.layers.Layer>) () ->
                                new FixedPadding.Builder(FixedPadding.Mode.CIRCULAR).padding(1, 2, 2, 1).build()));
    }

    /** [conv 1x1, padding, conv 3x3, global average pooling, softmax] in format {@code f}. */
    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer pad, CNN2DFormat f, DataType dt,
            boolean convFirst) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(1).dataType(dt)
                .updater(new Nesterovs(0.05, 0.9)).list();
        if (convFirst) {
            b.layer(new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build());
        }
        MultiLayerConfiguration conf = b.layer(pad)
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(7, 6, 2, f))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray toNhwc(INDArray nchw) {
        return nchw.permute(0, 2, 3, 1).dup('c');
    }

    /** The layer alone: output, input gradient and predictor gradient, bit for bit (the same passes run). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerGivesThePermutedResultsExactly(String name, DataType dt,
            Supplier<org.deeplearning4j.nn.conf.layers.Layer> pad) {
        MultiLayerNetwork a = net(pad.get(), CNN2DFormat.NCHW, dt, false);
        MultiLayerNetwork b = net(pad.get(), CNN2DFormat.NHWC, dt, false);
        if (b.getLayer(0).conf().getLayer() instanceof PaddingModule) {
            assertEquals(CNN2DFormat.NHWC, ((PaddingModule) b.getLayer(0).conf().getLayer()).getDataFormat());
            PaddingModuleTest.randomise(a.getLayer(0), 3);
        }
        b.setParams(a.params());
        a.initGradientsView();
        b.initGradientsView();
        INDArray x = PaddingModuleTest.rand(1, dt, 3, 2, 7, 6);
        Layer la = a.getLayer(0), lb = b.getLayer(0);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        la.setInput(x, ws);
        lb.setInput(toNhwc(x), ws);
        INDArray ya = la.activate(true, ws).dup(), yb = lb.activate(true, ws).dup();
        assertArrayEquals(new long[]{ya.size(0), ya.size(2), ya.size(3), ya.size(1)}, yb.shape());
        assertIdentical(ya, yb.permute(0, 3, 1, 2), name + ": output");
        INDArray eps = PaddingModuleTest.rand(2, dt, ya.shape()).subi(0.5);
        Pair<Gradient, INDArray> ga = la.backpropGradient(eps.dup(), ws);
        Pair<Gradient, INDArray> gb = lb.backpropGradient(toNhwc(eps), ws);
        assertIdentical(ga.getSecond(), gb.getSecond().permute(0, 3, 1, 2), name + ": input gradient");
        for (String k : ga.getFirst().gradientForVariable().keySet()) {
            assertIdentical(ga.getFirst().getGradientFor(k), gb.getFirst().getGradientFor(k), name + ": gradient " + k);
        }
        if (la instanceof PaddingModuleLayer) {
            assertEquals(LocalLosses.last(la), LocalLosses.last(lb), 0.0, name + ": local loss");
        }
    }

    /**
     * In a network, in training: the same parameters after 4 fit() steps (DL4J's default workspaces). Not bit for
     * bit: DL4J's convolutions sum in another order in NHWC; tolerance 1e-5 (FLOAT; 1e-12 DOUBLE), relative to
     * the largest parameter.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void networkTrainsAsTheNchwNetwork(String name, DataType dt,
            Supplier<org.deeplearning4j.nn.conf.layers.Layer> pad) {
        MultiLayerNetwork a = net(pad.get(), CNN2DFormat.NCHW, dt, true);
        MultiLayerNetwork b = net(pad.get(), CNN2DFormat.NHWC, dt, true);
        b.setParams(a.params());
        INDArray before = a.params().dup();
        for (int i = 0; i < 4; i++) {
            DataSet d = PaddingModuleTrainingTest.data(i, 6, 2, 7, 6, false);
            INDArray x = d.getFeatures().castTo(dt);
            a.fit(x, d.getLabels().castTo(dt));
            b.fit(toNhwc(x), d.getLabels().castTo(dt));
        }
        assertFalse(io.github.learnpad.Exact.identical(before, a.params()), "the network trained");
        double scale = Math.max(1, a.params().amaxNumber().doubleValue());
        double diff = a.params().sub(b.params()).amaxNumber().doubleValue();
        double tol = (dt == DataType.FLOAT ? 1e-5 : 1e-12) * scale;
        assertTrue(diff <= tol, name + ": NCHW vs NHWC parameters differ by " + diff);
        INDArray x = PaddingModuleTest.rand(9, dt, 4, 2, 7, 6);
        double out = a.output(x).sub(b.output(toNhwc(x))).amaxNumber().doubleValue();
        assertTrue(out <= tol, name + ": NCHW vs NHWC outputs differ by " + out);
    }
}
