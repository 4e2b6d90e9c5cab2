package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FixedPadding} inside DL4J networks: sizes, data types, workspaces, preprocessors and error messages. */
class FixedPaddingLayerTest {

    /** Padding by hand, element by element, from {@link FixedPadding.Mode#source}: the reference for the ND4J path. */
    private static INDArray reference(INDArray x, FixedPadding.Mode mode, int[] p) {
        long n = x.size(0), c = x.size(1);
        int h = (int) x.size(2), w = (int) x.size(3);
        INDArray out = Nd4j.create(x.dataType(), n, c, h + p[0] + p[1], w + p[2] + p[3]);
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < c; b++) {
                for (int i = 0; i < out.size(2); i++) {
                    for (int j = 0; j < out.size(3); j++) {
                        out.putScalar(new long[]{a, b, i, j},
                                x.getDouble(a, b, mode.source(i - p[0], h), mode.source(j - p[2], w)));
                    }
                }
            }
        }
        return out;
    }

    private static MultiLayerNetwork net(FixedPadding pad, DataType type, WorkspaceMode ws, InputType in) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(type)
                .updater(new Sgd(0.1)).trainingWorkspaceMode(ws).inferenceWorkspaceMode(ws).list()
                .layer(pad)
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(in)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Forward equals the element-wise reference in float and double, for minibatch and H x W changing per call. */
    @ParameterizedTest
    @EnumSource(FixedPadding.Mode.class)
    void forwardMatchesReferenceForChangingSizes(FixedPadding.Mode mode) {
        int[] p = {2, 1, 0, 3};
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork net = net(new FixedPadding.Builder(mode).padding(2, 1, 0, 3).build(), type,
                    WorkspaceMode.ENABLED, InputType.convolutional(5, 5, 2));
            long[][] shapes = {{3, 2, 5, 5}, {1, 2, 4, 7}, {5, 2, 9, 4}, {2, 2, 3, 8}};
            for (long[] s : shapes) {
                INDArray x = Nd4j.rand(type, s);
                INDArray out = net.feedForward(x, false).get(1);
                assertEquals(type, out.dataType());
                assertEquals(reference(x, mode, p), out, mode + " " + type + " " + java.util.Arrays.toString(s));
            }
        }
    }

    /**
     * Training with DL4J workspaces gives bit-for-bit the parameters of training without them, across minibatches of
     * different sizes: the layer's arrays are placed and leveraged correctly.
     */
    @ParameterizedTest
    @EnumSource(FixedPadding.Mode.class)
    void trainingWithWorkspacesEqualsWithout(FixedPadding.Mode mode) {
        FixedPadding pad = new FixedPadding.Builder(mode).padding(1, 2, 2, 1).build();
        MultiLayerNetwork withWs = net(pad.clone(), DataType.FLOAT, WorkspaceMode.ENABLED,
                InputType.convolutional(6, 6, 2));
        MultiLayerNetwork noWs = net(pad.clone(), DataType.FLOAT, WorkspaceMode.NONE, InputType.convolutional(6, 6, 2));
        INDArray initial = withWs.params().dup();
        assertIdentical(initial, noWs.params(), "initial parameters");
        Nd4j.getRandom().setSeed(5);
        for (long[] s : new long[][]{{4, 2, 6, 6}, {2, 2, 5, 8}, {3, 2, 7, 4}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, s);
            INDArray y = Nd4j.rand(DataType.FLOAT, s[0], 2);
            withWs.fit(x, y);
            noWs.fit(x, y);
        }
        assertNotEquals(initial, withWs.params());
        assertIdentical(noWs.params(), withWs.params(), "with vs without workspaces");
    }

    @Test
    void multiLayerNetworkAndComputationGraphAgree() {
        FixedPadding pad = new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(2, 0, 1, 2).build();
        MultiLayerNetwork mln = net(pad.clone(), DataType.FLOAT, WorkspaceMode.ENABLED,
                InputType.convolutional(5, 4, 2));
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).graphBuilder().addInputs("in")
                .addLayer("pad", pad.clone(), "in")
                .addLayer("conv", new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH).build(), "pad")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 2)).build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        cg.params().assign(mln.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 5, 4);
        INDArray y = Nd4j.rand(DataType.FLOAT, 3, 2);
        assertIdentical(mln.output(x), cg.outputSingle(x), "MultiLayerNetwork vs ComputationGraph output");
        mln.fit(x, y);
        cg.fit(new INDArray[]{x}, new INDArray[]{y});
        assertIdentical(mln.params(), cg.params(), "MultiLayerNetwork vs ComputationGraph after a step");
    }

    /** A convolutional-flat input type gets DL4J's FeedForwardToCnnPreProcessor, as for ZeroPaddingLayer. */
    @Test
    void convolutionalFlatInputIsReshaped() {
        MultiLayerNetwork net = net(new FixedPadding.Builder(FixedPadding.Mode.CIRCULAR).padding(1).build(),
                DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutionalFlat(3, 4, 1));
        assertInstanceOf(FeedForwardToCnnPreProcessor.class, net.getLayerWiseConfigurations().getInputPreProcess(0));
        INDArray flat = Nd4j.rand(DataType.FLOAT, 2, 12);
        INDArray out = net.feedForward(flat, false).get(1);
        assertEquals(reference(flat.reshape('c', 2, 1, 3, 4), FixedPadding.Mode.CIRCULAR, new int[]{1, 1, 1, 1}),
                out);
    }

    @Test
    void outputTypeAndMemoryReport() {
        FixedPadding pad = new FixedPadding.Builder(FixedPadding.Mode.REPLICATE).padding(1, 2, 3, 4).build();
        InputType out = pad.getOutputType(0, InputType.convolutional(5, 6, 7));
        assertEquals(InputType.convolutional(8, 13, 7), out);
        assertEquals(InputType.convolutional(8, 13, 7), pad.getOutputType(0, InputType.convolutionalFlat(5, 6, 7)));
        LayerMemoryReport r = pad.getMemoryReport(InputType.convolutional(5, 6, 7));
        assertEquals(out, r.getOutputType());
        assertEquals(0, r.getParameterSize());
    }

    @Test
    void negativeAmountIsRejectedAtBuildTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(1, 1, -2, 1).build());
        assertTrue(e.getMessage().contains("negative padding -2 for side left"), e.getMessage());
    }

    @Test
    void tooLargeAmountForConfiguredInputTypeIsRejectedAtBuildTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net(new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(0, 0, 4, 0).build(),
                        DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(6, 4, 1)));
        assertTrue(e.getMessage().contains("left by 4") && e.getMessage().contains("width 4"), e.getMessage());
    }

    @Test
    void tooLargeAmountIsRejectedAtRunTime() {
        FixedPadding reflect = new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(3, 0, 0, 0).build();
        reflect.setLayerName("myPad");
        MultiLayerNetwork net = net(reflect, DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(8, 8, 1));
        // Reflect needs amount < size: 3 rows of a 4-row input is fine, 3 of a 3-row input is not.
        net.output(Nd4j.rand(DataType.FLOAT, 1, 1, 4, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.output(Nd4j.rand(DataType.FLOAT, 1, 1, 3, 8)));
        String m = e.getMessage();
        assertTrue(m.contains("myPad") && m.contains("top by 3") && m.contains("height 3")
                && m.contains("amount < size") && m.contains("Use a larger input"), m);

        // Circular allows amount == size, not more.
        MultiLayerNetwork circ = net(new FixedPadding.Builder(FixedPadding.Mode.CIRCULAR).padding(0, 0, 0, 3).build(),
                DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(8, 8, 1));
        circ.output(Nd4j.rand(DataType.FLOAT, 1, 1, 2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> circ.output(Nd4j.rand(DataType.FLOAT, 1, 1, 2, 2)));
        assertTrue(e.getMessage().contains("right by 3") && e.getMessage().contains("width 2"), e.getMessage());

        // Replicate pads any amount, even a 1x1 input.
        MultiLayerNetwork rep = net(new FixedPadding.Builder(FixedPadding.Mode.REPLICATE).padding(5).build(),
                DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(8, 8, 1));
        INDArray x = Nd4j.valueArrayOf(new long[]{1, 1, 1, 1}, 2.5f);
        INDArray padded = rep.feedForward(x, false).get(1);
        assertArrayEquals(new long[]{1, 1, 11, 11}, padded.shape());
        assertEquals(Nd4j.valueArrayOf(new long[]{1, 1, 11, 11}, 2.5f), padded);
    }

    @Test
    void wrongRankIsRejected() {
        FixedPadding pad = new FixedPadding.Builder(FixedPadding.Mode.REPLICATE).padding(1).build();
        pad.setLayerName("rank");
        MultiLayerNetwork net = net(pad, DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(4, 4, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.output(Nd4j.rand(DataType.FLOAT, 1, 4, 4)));
        assertTrue(e.getMessage().contains("rank 4 NCHW") && e.getMessage().contains("got rank 3")
                && e.getMessage().contains("rank"), e.getMessage());
    }

    /** Channels last: the layer takes the network's format (NhwcTest checks the values). */
    @Test
    void channelsLastFollowsTheInputType() {
        MultiLayerNetwork net = net(new FixedPadding.Builder(FixedPadding.Mode.REPLICATE).padding(1).build(),
                DataType.FLOAT, WorkspaceMode.ENABLED, InputType.convolutional(4, 4, 1, CNN2DFormat.NHWC));
        assertEquals(CNN2DFormat.NHWC, ((FixedPadding) net.getLayer(0).conf().getLayer()).getDataFormat());
    }
}
