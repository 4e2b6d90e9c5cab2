package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.io.IOException;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** JSON and ModelSerializer round trips of networks with every fixed padding mode. */
class FixedPaddingSerializationTest {

    /** Each fixed mode with its own amounts, so a mix-up between layers would show. */
    private static final PaddingMode[] MODES = {PaddingMode.ZERO, PaddingMode.REFLECT, PaddingMode.REPLICATE,
            PaddingMode.CIRCULAR};

    private static int[] amounts(int k) {
        return new int[]{k % 3, 1, (k + 1) % 3, 2};
    }

    private static MultiLayerConfiguration mlnConf() {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list();
        for (int k = 0; k < MODES.length; k++) {
            int[] p = amounts(k);
            b.layer(MODES[k].layer(p[0], p[1], p[2], p[3]));
            b.layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build());
        }
        return b.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 2)).build();
    }

    private static ComputationGraphConfiguration graphConf() {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new Sgd(0.1)).graphBuilder().addInputs("in");
        String prev = "in";
        for (int k = 0; k < MODES.length; k++) {
            int[] p = amounts(k);
            b.addLayer("pad" + k, MODES[k].layer(p[0], p[1], p[2], p[3]), prev);
            b.addLayer("conv" + k, new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build(),
                    "pad" + k);
            prev = "conv" + k;
        }
        return b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 5, 2)).build();
    }

    private static void assertPaddingLayers(Layer[] layers) {
        for (int k = 0; k < MODES.length; k++) {
            assertEquals(MODES[k], PaddingMode.of(layers[k]));
            assertArrayEquals(amounts(k), PaddingMode.padding(layers[k]));
        }
    }

    @Test
    void multiLayerConfigurationJson() {
        MultiLayerConfiguration conf = mlnConf();
        String json = conf.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(json, back.toJson());
        Layer[] pads = new Layer[MODES.length];
        for (int k = 0; k < MODES.length; k++) {
            pads[k] = back.getConf(2 * k).getLayer();
        }
        assertPaddingLayers(pads);
        assertInstanceOf(FixedPadding.class, pads[1]);
    }

    @Test
    void computationGraphConfigurationJson() {
        ComputationGraphConfiguration conf = graphConf();
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(json, back.toJson());
        Layer[] pads = new Layer[MODES.length];
        for (int k = 0; k < MODES.length; k++) {
            pads[k] = ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("pad" + k))
                    .getLayerConf().getLayer();
        }
        assertPaddingLayers(pads);
    }

    @Test
    void modelSerializerRoundTrip(@TempDir File dir) throws IOException {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 5, 5);
        INDArray y = Nd4j.rand(DataType.FLOAT, 3, 2);

        MultiLayerNetwork mln = new MultiLayerNetwork(mlnConf());
        mln.init();
        mln.fit(x, y);
        File f = new File(dir, "mln.zip");
        ModelSerializer.writeModel(mln, f, true);
        MultiLayerNetwork mlnBack = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(mln.getLayerWiseConfigurations(), mlnBack.getLayerWiseConfigurations());
        assertIdentical(mln.output(x), mlnBack.output(x), "restored output");

        ComputationGraph cg = new ComputationGraph(graphConf());
        cg.init();
        cg.fit(new INDArray[]{x}, new INDArray[]{y});
        File g = new File(dir, "cg.zip");
        ModelSerializer.writeModel(cg, g, true);
        ComputationGraph cgBack = ModelSerializer.restoreComputationGraph(g, true);
        assertEquals(cg.getConfiguration(), cgBack.getConfiguration());
        assertIdentical(cg.outputSingle(x), cgBack.outputSingle(x), "restored graph's output");
        // Training continues identically after restoring (updater state saved too).
        cg.fit(new INDArray[]{x}, new INDArray[]{y});
        cgBack.fit(new INDArray[]{x}, new INDArray[]{y});
        assertIdentical(cg.params(), cgBack.params(), "parameters after one more step");
    }
}
