package io.github.learnpad.layers;

import io.github.learnpad.Exact;
import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.opentest4j.AssertionFailedError;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.Map;
import java.util.function.Supplier;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

/** The Padding Module inside networks: isolation from the main loss, learning, serialisation, sizes, bad input. */
class PaddingModuleTrainingTest {

    /** PaddingModule first (its input is the data), then a conv, pooling and softmax output. */
    static MultiLayerConfiguration classifier(PaddingModule pm, int c, int h, int w, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9)).l2(1e-3)
                .list()
                .layer(pm)
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(h, w, c))
                .build();
    }

    static DataSet data(long seed, int n, int c, int h, int w, boolean flipLabels) {
        INDArray x = PaddingModuleTest.rand(seed, DataType.FLOAT, n, c, h, w);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, flipLabels ? (i + 1) % 3 : i % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    static INDArray predictorParams(MultiLayerNetwork net) {
        return net.getLayer(0).params().dup();
    }

    @Test
    void withoutLocalLossThePredictorNeverMoves() {
        MultiLayerNetwork net = new MultiLayerNetwork(classifier(
                new PaddingModule.Builder().padding(1, 2, 1, 1).localLoss(LocalLoss.NONE).build(), 2, 8, 8, 1));
        net.init();
        INDArray before = predictorParams(net);
        INDArray convBefore = net.getLayer(1).params().dup();
        for (int i = 0; i < 5; i++) {
            net.fit(data(i, 6, 2, 8, 8, false));
        }
        assertIdentical(before, predictorParams(net), "predictor must stay bit-for-bit at its initial values");
        assertNotEquals(convBefore, net.getLayer(1).params(), "the rest of the network must have trained");
        assertTrue(Double.isNaN(LocalLosses.last(net.getLayer(0))));
    }

    /**
     * Trains two networks on the same images with different labels: the predictor must end bit-for-bit the same
     * (its gradient is its local loss's, computed from the images alone), while the rest of the network differs.
     */
    static void assertPredictorIgnoresTheLabels(Supplier<PaddingModule> module) {
        INDArray[] finals = new INDArray[2];
        INDArray[] convs = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            MultiLayerNetwork net = new MultiLayerNetwork(classifier(module.get(), 2, 8, 8, 1));
            net.init();
            INDArray before = predictorParams(net);
            for (int i = 0; i < 5; i++) {
                net.fit(data(i, 6, 2, 8, 8, run == 1));
            }
            finals[run] = predictorParams(net);
            convs[run] = net.getLayer(1).params().dup();
            assertFalse(Exact.identical(before, finals[run]), "the local loss must train the predictor");
            assertFalse(Double.isNaN(LocalLosses.last(net.getLayer(0))));
        }
        assertFalse(Exact.identical(convs[0], convs[1]), "different labels must train the rest of the network differently");
        assertIdentical(finals[0], finals[1], "predictor weights whatever the labels");
    }

    /** On the default path (FLOAT, depthwise: FloatDepthwisePasses) and on the general one (channel mixing). */
    @Test
    void theMainLossNeverReachesThePredictor() {
        assertPredictorIgnoresTheLabels(() -> new PaddingModule.Builder().padding(2).build());
        assertPredictorIgnoresTheLabels(() -> new PaddingModule.Builder().padding(2).channelMixing(true).build());
    }

    /** The check above has teeth: a layer that leaks 7% of the main loss's bias gradient into the predictor fails it. */
    @Test
    void theIsolationCheckCatchesALeak() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertPredictorIgnoresTheLabels(
                () -> new LeakyPaddingModule(new PaddingModule.Builder().padding(2))));
        assertTrue(e.getMessage().startsWith("predictor weights whatever the labels"), e.getMessage());
    }

    /** A Padding Module whose runtime adds 7% of dL/d(top bias) (the main loss's) to the predictor's gradient. */
    static final class LeakyPaddingModule extends PaddingModule {
        LeakyPaddingModule() {
        }

        LeakyPaddingModule(PaddingModule.Builder b) {
            super(b);
        }

        @Override
        PaddingModuleLayer newRuntimeLayer(NeuralNetConfiguration conf, DataType dt) {
            return new LeakyLayer(conf, dt);
        }
    }

    static final class LeakyLayer extends PaddingModuleLayer {
        LeakyLayer(NeuralNetConfiguration conf, DataType dt) {
            super(conf, dt);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            // The outermost top row is predicted from the top bias with weight 1: dL/dB[c] sums epsilon there.
            INDArray mainBiasGrad = epsilon.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0),
                    NDArrayIndex.all()).sum(0, 2).mul(0.07);
            Pair<Gradient, INDArray> r = super.backpropGradient(epsilon, mgr);
            gradTable.get(Side.TOP.biasKey()).addi(mainBiasGrad.reshape(gradTable.get(Side.TOP.biasKey()).shape()));
            return r;
        }
    }
    @Test
    void noRegularisationAndOwnUpdater() {
        PaddingModule pm = new PaddingModule.Builder().padding(1).predictorUpdater(new Adam(0.01)).build();
        MultiLayerConfiguration conf = classifier(pm, 2, 8, 8, 1);
        PaddingModule c = (PaddingModule) conf.getConf(0).getLayer();
        assertTrue(c.getRegularizationByParam("topW").isEmpty(), "global l2 must not reach the predictor");
        assertEquals(new Adam(0.01), c.getUpdaterByParam("topW"));
        assertEquals(new Adam(0.01), c.getUpdaterByParam("leftB"));
        assertFalse(conf.getConf(1).getLayer().getRegularizationByParam("W").isEmpty(), "the conv keeps its l2");
    }

    /** Images that are linear ramps plus noise: the learned padding must beat replicate padding at extrapolating. */
    @Test
    void learnsToExtrapolateRamps() {
        int c = 1, h = 12, w = 12;
        java.util.Random rnd = new java.util.Random(42);
        StandalonePaddingModule m = new StandalonePaddingModule(
                new PaddingModule.Builder().padding(1).predictorUpdater(new Adam(0.02)).build(), c, DataType.DOUBLE);
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 300; step++) {
            double loss = m.fitLocal(ramps(rnd, 16, h, w, 0.02, null));
            if (step == 0) {
                first = loss;
            }
            last = loss;
        }
        assertTrue(last < 0.3 * first, "local loss must fall: " + first + " -> " + last);
        // Test: pad the centre of fresh ramps and compare the border with the true continuation.
        INDArray truth = Nd4j.create(DataType.DOUBLE, 32, 1, h + 2, w + 2);
        INDArray img = ramps(rnd, 32, h + 2, w + 2, 0.0, truth);
        INDArray centre = img.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, h + 1), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, w + 1)).dup();
        double learned = borderMse(m.pad(centre), truth, h + 2, w + 2);
        StandalonePaddingModule replicate = new StandalonePaddingModule(
                new PaddingModule.Builder().padding(1).localLoss(LocalLoss.NONE).build(), c, DataType.DOUBLE);
        double rep = borderMse(replicate.pad(centre), truth, h + 2, w + 2);
        assertTrue(learned < 0.25 * rep, "learned border MSE " + learned + " must beat replicate's " + rep);
    }

    /** Ramps a + b*i + c*j plus Gaussian noise; the noiseless version goes to {@code clean} when given. */
    static INDArray ramps(java.util.Random rnd, int n, int h, int w, double noise, INDArray clean) {
        INDArray x = Nd4j.create(DataType.DOUBLE, n, 1, h, w);
        for (int k = 0; k < n; k++) {
            double a = rnd.nextDouble(), b = rnd.nextGaussian() * 0.1, cc = rnd.nextGaussian() * 0.1;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double v = a + b * i + cc * j;
                    if (clean != null) {
                        clean.putScalar(new long[]{k, 0, i, j}, v);
                    }
                    x.putScalar(new long[]{k, 0, i, j}, v + noise * rnd.nextGaussian());
                }
            }
        }
        return x;
    }

    static double borderMse(INDArray padded, INDArray truth, int h, int w) {
        INDArray d = padded.sub(truth);
        double sum = d.mul(d).sumNumber().doubleValue();
        INDArray inner = d.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, h - 1), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, w - 1));
        assertEquals(0.0, inner.amaxNumber().doubleValue(), 0.0, "interior must be exact");
        return sum / (padded.size(0) * (h * w - (h - 2) * (w - 2)));
    }

    @Test
    void jsonRoundTripAndModelSerializerKeepPredictorAndUpdaterState(@TempDir File dir) throws Exception {
        PaddingModule pm = new PaddingModule.Builder().padding(1, 2, 0, 3).contextDepth(3).kernelWidth(5)
                .channelMixing(true).localLoss(LocalLoss.L1).borderGradient(false)
                .predictorInit(PaddingModule.PredictorInit.ZEROS).predictorUpdater(new Adam(0.003)).build();
        MultiLayerConfiguration conf = classifier(pm, 2, 8, 8, 3);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        PaddingModule pb = (PaddingModule) back.getConf(0).getLayer();
        assertEquals(pm.getPadding()[3], pb.getRight());
        assertEquals(new Adam(0.003), pb.getPredictorUpdater());

        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < 3; i++) {
            net.fit(data(i, 4, 2, 8, 8, false));
        }
        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertIdentical(net.params(), restored.params(), "restored parameters");
        assertIdentical(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), "updater state");
        INDArray x = data(9, 4, 2, 8, 8, false).getFeatures();
        assertIdentical(net.output(x), restored.output(x), "restored output");
        // Training continues identically, predictor updater state included.
        net.fit(data(10, 4, 2, 8, 8, false));
        restored.fit(data(10, 4, 2, 8, 8, false));
        assertIdentical(net.getLayer(0).params(), restored.getLayer(0).params(), "predictor after one more step");
    }

    @Test
    void computationGraphSavesAndRestores(@TempDir File dir) throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3))
                .graphBuilder().addInputs("in")
                .addLayer("pad", new PaddingModule.Builder().padding(1).build(), "in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).build(), "pad")
                .addLayer("gp", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gp")
                .setOutputs("out").setInputTypes(InputType.convolutional(6, 6, 2)).build();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        DataSet d = data(1, 4, 2, 6, 6, false);
        g.fit(d);
        Map<String, Double> losses = LocalLosses.of(g);
        assertEquals(1, losses.size());
        assertTrue(losses.get("pad") > 0);
        File f = new File(dir, "g.zip");
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f, true);
        assertIdentical(g.outputSingle(d.getFeatures()), r.outputSingle(d.getFeatures()), "restored graph's output");
    }

    @Test
    void anyInputSizeAndMinibatchBetweenBatchesAndAtInference() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2))
                .list()
                .layer(new PaddingModule.Builder().padding(2, 1, 1, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int[][] sizes = {{8, 8, 4}, {13, 9, 3}, {5, 17, 7}, {3, 3, 1}};
        for (int[] s : sizes) {
            net.fit(data(s[0], s[2], 2, s[0], s[1], false));
            assertFalse(Double.isNaN(LocalLosses.last(net.getLayer(0))), "size " + s[0] + "x" + s[1]);
            INDArray y = net.getLayer(0).activate(data(2, 1, 2, s[1], s[0], false).getFeatures(), false,
                    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            assertArrayEquals(new long[]{1, 2, s[1] + 3, s[0] + 3}, y.shape());
        }
        assertArrayEquals(new long[]{5, 3}, net.output(PaddingModuleTest.rand(1, DataType.FLOAT, 5, 2, 11, 6)).shape());
    }

    @Test
    void mapsSmallerThanTheContextAreReplicatePadded() {
        MultiLayerNetwork net = PaddingModuleTest.net(new PaddingModule.Builder().padding(2).contextDepth(3).build(),
                1, 2, 5, DataType.FLOAT);
        PaddingModuleTest.randomise(net.getLayer(0), 1);
        INDArray x = PaddingModuleTest.rand(1, DataType.FLOAT, 1, 1, 2, 5);
        INDArray y = PaddingModuleTest.forward(net, x, false);
        // H = 2 < k = 3: top and bottom rows replicate the edge rows exactly.
        for (int j = 0; j < 5; j++) {
            assertEquals(x.getDouble(0, 0, 0, j), y.getDouble(0, 0, 0, j + 2), 0.0);
            assertEquals(x.getDouble(0, 0, 0, j), y.getDouble(0, 0, 1, j + 2), 0.0);
            assertEquals(x.getDouble(0, 0, 1, j), y.getDouble(0, 0, 5, j + 2), 0.0);
        }
        // W = 5 >= k + 1: the column predictors still train; H < k + 1: top/bottom give no training pair.
        INDArray topBefore = net.getLayer(0).getParam(Side.TOP.weightKey()).dup();
        PaddingModuleTest.backward(net, x, Nd4j.ones(DataType.FLOAT, y.shape()));
        assertFalse(Double.isNaN(LocalLosses.last(net.getLayer(0))));
        INDArray topGrad = net.getLayer(0).getGradientsViewArray().reshape(-1)
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, topBefore.length()));
        assertEquals(0.0, topGrad.amaxNumber().doubleValue(), 0.0, "no training pair: no gradient for top");
    }

    @Test
    void badConfigurationAndInputGetClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PaddingModule.Builder().padding(1, -1, 0, 0).build());
        assertTrue(e.getMessage().contains("negative padding -1 for side bottom"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PaddingModule.Builder().padding(1).kernelWidth(2).build());
        assertTrue(e.getMessage().contains("kernelWidth must be odd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PaddingModule.Builder().padding(1).contextDepth(0).build());
        assertTrue(e.getMessage().contains("contextDepth"), e.getMessage());
        IllegalStateException noChannels = assertThrows(IllegalStateException.class, () -> {
            MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                    .layer(new PaddingModule.Builder().padding(1).build())
                    .layer(new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder().build()).build());
            n.init();
        });
        assertTrue(noChannels.getMessage().contains("setInputType"), noChannels.getMessage());

        MultiLayerNetwork net = new MultiLayerNetwork(classifier(new PaddingModule.Builder().padding(1).build(), 2, 8, 8, 1));
        net.init();
        e = assertThrows(IllegalArgumentException.class, () -> net.getLayer(0).activate(PaddingModuleTest.rand(1, DataType.FLOAT, 2, 8, 8),
                false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("rank-4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.output(PaddingModuleTest.rand(1, DataType.FLOAT, 2, 3, 8, 8)));
        assertTrue(e.getMessage().contains("configured for 2 channels but got input with 3"), e.getMessage());

        INDArray before = net.getLayer(0).params().dup();
        DataSet bad = data(1, 4, 2, 8, 8, false);
        bad.getFeatures().putScalar(new long[]{1, 1, 0, 3}, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> net.fit(bad));
        assertTrue(e.getMessage().contains("NaN or Inf"), e.getMessage());
        bad.getFeatures().putScalar(new long[]{1, 1, 0, 3}, Double.POSITIVE_INFINITY);
        assertThrows(IllegalArgumentException.class, () -> net.fit(bad));
        assertIdentical(before, net.getLayer(0).params(), "a rejected batch must not change the predictor");
    }
}
