package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.Side;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureMapRealismTest {

    private static MultiLayerConfiguration mlnConf() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build())
                .layer(new PaddingModule.Builder().padding(1).predictorUpdater(new Adam(0.05)).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 1)).build();
    }

    private static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 2, 1);
        }
        return y;
    }

    /** Replicate's MSE at the one padding layer, by hand: (row1 - row0)^2 pooled over the four sides, per image. */
    private static double replicateByHand(INDArray fm) {
        int n = (int) fm.size(0), c = (int) fm.size(1), h = (int) fm.size(2), w = (int) fm.size(3);
        double total = 0;
        for (int b = 0; b < n; b++) {
            double s = 0;
            long cnt = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < w; j++) {
                    s += sq(fm.getDouble(b, ch, 1, j) - fm.getDouble(b, ch, 0, j));
                    s += sq(fm.getDouble(b, ch, h - 2, j) - fm.getDouble(b, ch, h - 1, j));
                    cnt += 2;
                }
                for (int i = 0; i < h; i++) {
                    s += sq(fm.getDouble(b, ch, i, 1) - fm.getDouble(b, ch, i, 0));
                    s += sq(fm.getDouble(b, ch, i, w - 2) - fm.getDouble(b, ch, i, w - 1));
                    cnt += 2;
                }
            }
            total += s / cnt;
        }
        return total / n;
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void multiLayerNetwork_oneRow_replicateMatchesHand(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(mlnConf());
        net.init();
        INDArray train = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
        for (int i = 0; i < 5; i++) {
            net.fit(train, labels(8));
        }
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        Model loaded = FeatureMapRealism.load(zip);
        assertTrue(loaded instanceof MultiLayerNetwork);

        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 1, 10, 10);
        List<FeatureMapRealism.LayerRow> rows = FeatureMapRealism.measure(loaded, x);
        assertEquals(1, rows.size());
        FeatureMapRealism.LayerRow row = rows.get(0);
        assertEquals("layer 1", row.layer());
        // The padding layer's input is conv 0's output: feedForward index 1.
        INDArray fm = net.feedForward(x, false).get(1);
        assertEquals(List.of(2L, 8L, 8L), List.of(row.inputShape()[0], row.inputShape()[1], row.inputShape()[2]));
        assertEquals(replicateByHand(fm), row.mse().get("replicate").mean(), 1e-6);
        assertEquals(5, row.mse().get("replicate").n());
        // Zero's MSE is the mean square of the edge rows; relative numbers are against it.
        assertEquals(1.0, row.relativeToZero("zero"), 1e-12);
        assertTrue(row.mse().get("learned").mean() >= 0);
        String md = FeatureMapRealism.markdown("t", 5, rows);
        assertTrue(md.contains("| layer 1 | 2 x 8 x 8 |"), md);
    }

    @Test
    void computationGraph_sameNumbersAsByHand(@TempDir Path dir) throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .updater(new Adam(1e-2)).graphBuilder().addInputs("in")
                .addLayer("conv0", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "in")
                .addLayer("pad", new PaddingModule.Builder().padding(1).build(), "conv0")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build(), "pad")
                .addLayer("gp", new GlobalPoolingLayer(), "conv1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "gp")
                .setOutputs("out").setInputTypes(InputType.convolutional(10, 10, 1)).build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        cg.fit(new INDArray[]{Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10)}, new INDArray[]{labels(8)});
        Path zip = dir.resolve("cg.zip");
        ModelSerializer.writeModel(cg, zip.toFile(), false);
        Model loaded = FeatureMapRealism.load(zip);
        assertTrue(loaded instanceof ComputationGraph);
        INDArray x = Nd4j.rand(DataType.FLOAT, 70, 1, 10, 10);   // > one chunk of 64
        List<FeatureMapRealism.LayerRow> rows = FeatureMapRealism.measure(loaded, x);
        assertEquals(1, rows.size());
        assertEquals("pad", rows.get(0).layer());
        assertEquals(replicateByHand(cg.feedForward(x, false).get("conv0")), rows.get(0).mse().get("replicate").mean(), 1e-6);
    }

    @Test
    void networkWithoutPaddingModule_isRefusedWithAReason() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new GlobalPoolingLayer())
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        net.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMapRealism.measure(net, Nd4j.rand(DataType.FLOAT, 2, 1, 6, 6)));
        assertTrue(e.getMessage().contains("no PaddingModule"));
    }

    /** Every mode's guess, checked on a map whose rows are known: learned with the REPLICATE init equals replicate. */
    @Test
    void errorsOnAKnownMap() {
        // One image, one channel, 4x4, rows 0..3 of value 0,1,3,6 (columns equal).
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 1, 4, 4);
        double[] rv = {0, 1, 3, 6};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                x.putScalar(new long[]{0, 0, i, j}, rv[i]);
            }
        }
        PaddingModule conf = new PaddingModule.Builder().padding(1, 0, 0, 0).nChannels(1).build();
        io.github.learnpad.layers.StandalonePaddingModule m = new io.github.learnpad.layers.StandalonePaddingModule(conf, 1);
        FeatureMapRealism.Errors e = FeatureMapRealism.errors(m.conf(), m.paramTable(), x);
        assertEquals(List.of(Side.TOP), e.sides);
        // target row 0 = 0: replicate guesses 1, reflect 3, circular (row 3) 6, zero 0.
        assertEquals(1.0, e.mse[FeatureMapRealism.MODES.indexOf("replicate")][0], 1e-12);
        assertEquals(9.0, e.mse[FeatureMapRealism.MODES.indexOf("reflect")][0], 1e-12);
        assertEquals(36.0, e.mse[FeatureMapRealism.MODES.indexOf("circular")][0], 1e-12);
        assertEquals(0.0, e.mse[FeatureMapRealism.MODES.indexOf("zero")][0], 0);
        assertEquals(1.0, e.mse[FeatureMapRealism.MODES.indexOf("learned")][0], 1e-6);
    }
}
