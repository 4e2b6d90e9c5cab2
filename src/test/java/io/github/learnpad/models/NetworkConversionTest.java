package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.LocalLosses;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.Side;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link NetworkConverter#convert(MultiLayerNetwork, PaddingMode)} and
 * {@link NetworkConverter#convert(ComputationGraph, PaddingMode)}: converting trained networks.
 *
 * <p>Tolerance. With ZERO, and with LEARNED whose predictors start at zero, the converted network multiplies and adds
 * exactly the same numbers as the original: the padded rows are zeros in both (written by the padding layer instead of
 * the convolution's own im2col fill). Only the order in which a convolution implementation sums them may differ, as
 * its kernels are chosen per input shape (the converted convolution sees a padded input and pads nothing). So
 * outputs are compared to {@link #TOLERANCE} relative to the largest output magnitude: a few float32 rounding steps
 * (2^-23 ~ 1.2e-7 each) accumulated over a network's depth. The measured difference is printed; on the default CPU
 * backend (no oneDNN) it was 0.
 */
class NetworkConversionTest {

    /** Relative tolerance of "computes what the original computed": float32 summation order, see the class doc. */
    static final double TOLERANCE = 1e-5;

    // ---------------------------------------------------------------------------------------------------------------
    // MultiLayerNetwork

    /** Explicit padding, Same padding, a ZeroPaddingLayer, batch normalisation; Adam; float. */
    static MultiLayerNetwork trainedMultiLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2))
                .activation(Activation.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).name("c0").build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}).name("pool")
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(5).name("c1")
                        .build())
                .layer(new ZeroPaddingLayer.Builder(1, 1, 1, 1).name("zp").build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).name("c2").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nOut(3).name("out").build())
                .setInputType(InputType.convolutional(10, 12, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < 5; i++) {
            net.fit(input(4, i), labels(4, i));
        }
        return net;
    }

    static INDArray input(int n, long seed) {
        Nd4j.getRandom().setSeed(100 + seed);
        return Nd4j.rand(DataType.FLOAT, n, 2, 10, 12).subi(0.3);
    }

    static INDArray labels(int n, long seed) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (int) ((i + seed) % 3), 1f);
        }
        return y;
    }

    static double relativeDifference(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        double scale = Math.max(a.amaxNumber().doubleValue(), Double.MIN_NORMAL);
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }

    static void assertSameOutput(INDArray expected, INDArray actual, String what) {
        assertFalse(expected.isNaN().any() || expected.isInfinite().any(), what + ": original output not finite");
        double d = relativeDifference(expected, actual);
        System.out.printf("%s: max |difference| / max |output| = %.3g%n", what, d);
        assertTrue(d <= TOLERANCE, what + ": converted output differs by " + d + " (relative)");
    }

    static boolean bitEqual(INDArray a, INDArray b) {
        return a.dataType() == b.dataType() && a.equalsWithEps(b, 0);
    }

    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"ZERO", "LEARNED"})
    void multiLayerComputesWhatTheOriginalComputedAndTheOriginalIsUntouched(PaddingMode mode) {
        MultiLayerNetwork orig = trainedMultiLayer();
        INDArray x = input(3, 99);
        INDArray params = orig.params().dup();
        INDArray state = orig.getUpdater().getStateViewArray().dup();
        String json = orig.getLayerWiseConfigurations().toJson();
        INDArray y = orig.output(x);

        MultiLayerNetwork conv = NetworkConverter.convert(orig, mode);

        assertTrue(bitEqual(params, orig.params()), "original parameters changed");
        assertTrue(bitEqual(state, orig.getUpdater().getStateViewArray()), "original updater state changed");
        assertEquals(json, orig.getLayerWiseConfigurations().toJson(), "original configuration changed");
        assertTrue(bitEqual(y, orig.output(x)), "original output changed");

        // c0, c1 get a padding layer in front (c2 is unpadded); with LEARNED zp becomes a Padding Module too.
        assertEquals(orig.getnLayers() + 2, conv.getnLayers());
        assertEquals(mode == PaddingMode.LEARNED ? 3 : 0, LocalLosses.of(conv).size());
        // Every original parameter, batch-norm mean and variance included, copied exactly.
        int[] newIndex = {1, 2, 3, 5, 6, 7, 8};
        for (int i = 0; i < orig.getnLayers(); i++) {
            if (orig.getLayer(i).numParams() == 0) {
                continue; // pooling, or zp (replaced by a Padding Module with LEARNED)
            }
            Map<String, INDArray> a = orig.getLayer(i).paramTable(false);
            Map<String, INDArray> b = conv.getLayer(newIndex[i]).paramTable(false);
            assertEquals(a.keySet(), b.keySet(), "layer " + i);
            for (String k : a.keySet()) {
                assertTrue(bitEqual(a.get(k), b.get(k)), "parameter " + k + " of layer " + i);
            }
        }
        assertTrue(orig.getLayer(1).paramTable(false).containsKey("mean"));
        assertNotEquals(0.0, orig.getLayer(1).getParam("mean").amaxNumber().doubleValue(), "trained BN statistics");

        assertSameOutput(y, conv.output(x), "MultiLayerNetwork " + mode);
    }

    @Test
    void updaterStateIsCarriedOverSoTheNextStepIsTheOriginalsNextStep() {
        MultiLayerNetwork orig = trainedMultiLayer();
        MultiLayerNetwork converted = NetworkConverter.convert(orig, PaddingMode.LEARNED);
        MultiLayerNetwork fresh = NetworkConverter.convert(orig, PaddingMode.LEARNED);
        fresh.getUpdater().getStateViewArray().assign(0);   // what a conversion without the copy would give
        MultiLayerNetwork copy = orig.clone();
        INDArray x = input(4, 7);
        INDArray y = labels(4, 7);
        copy.fit(x, y);
        converted.fit(x, y);
        fresh.fit(x, y);
        // The Padding Modules pad with zeros during this step (their update applies after it), so the network's
        // gradients, and with the copied Adam moments its updates, are the original's.
        double withState = 0;
        double without = 0;
        int[] newIndex = {1, 2, 3, 5, 6, 7, 8};
        for (int i = 0; i < copy.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : copy.getLayer(i).paramTable(false).entrySet()) {
                withState = Math.max(withState, relativeDifference(p.getValue(),
                        converted.getLayer(newIndex[i]).getParam(p.getKey())));
                without = Math.max(without, relativeDifference(p.getValue(),
                        fresh.getLayer(newIndex[i]).getParam(p.getKey())));
            }
        }
        System.out.printf("after one step: parameters differ by %.3g with the copied updater state, %.3g without%n",
                withState, without);
        assertTrue(withState <= TOLERANCE, "updater state not carried over: " + withState);
        assertTrue(without > 100 * TOLERANCE, "the check cannot tell a copied state from a fresh one: " + without);
    }

    @Test
    void fineTuningTrainsThePredictorsInsideFitWithWorkspaces() {
        MultiLayerNetwork orig = trainedMultiLayer();
        assertEquals(WorkspaceMode.ENABLED, orig.getLayerWiseConfigurations().getTrainingWorkspaceMode());
        MultiLayerNetwork conv = NetworkConverter.convert(orig, PaddingMode.LEARNED);
        assertEquals(WorkspaceMode.ENABLED, conv.getLayerWiseConfigurations().getTrainingWorkspaceMode());
        Layer pm = conv.getLayer(0);
        assertInstanceOf(PaddingModule.class, pm.conf().getLayer());
        assertEquals(0.0, pm.params().amaxNumber().doubleValue(), "predictor starts at exact zero padding");
        for (int i = 0; i < 5; i++) {
            conv.fit(input(4, i), labels(4, i));
            assertTrue(Double.isFinite(conv.score()), "loss " + conv.score());
        }
        assertTrue(pm.params().amaxNumber().doubleValue() > 0, "fine-tuning did not move the predictor");
        LocalLosses.of(conv).values().forEach(l -> assertTrue(Double.isFinite(l), "local loss " + l));
        // ... and the network now pads with something else than zeros.
        assertTrue(relativeDifference(orig.output(input(3, 99)), conv.output(input(3, 99))) > 0);
    }

    @Test
    void replicateInitialisationCanBeAskedFor() {
        MultiLayerNetwork orig = trainedMultiLayer();
        MultiLayerNetwork conv = NetworkConverter.to(PaddingMode.LEARNED)
                .with(new PaddingRewriter.Options().predictorInit(PaddingModule.PredictorInit.REPLICATE)).convert(orig);
        INDArray top = conv.getLayer(0).getParam(Side.TOP.weightKey());
        assertEquals(1.0, top.getDouble(0, 0, 1), "centre tap of the nearest row");
        assertEquals(PaddingModule.PredictorInit.REPLICATE,
                ((PaddingModule) conv.getLayer(0).conf().getLayer()).getPredictorInit());
        INDArray x = input(3, 99);
        assertTrue(relativeDifference(orig.output(x), conv.output(x)) > 0, "replicate padding is not zero padding");
    }

    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"REFLECT", "REPLICATE", "CIRCULAR"})
    void fixedModesConvertWithAllParametersAndTrain(PaddingMode mode) {
        MultiLayerNetwork orig = trainedMultiLayer();
        MultiLayerNetwork conv = NetworkConverter.convert(orig, mode);
        assertEquals(orig.numParams(), conv.numParams(), "fixed padding layers have no parameters");
        assertTrue(bitEqual(orig.params(), conv.params()), "parameters in the same order, copied exactly");
        assertEquals(mode, PaddingMode.of(conv.getLayer(0).conf().getLayer()));
        conv.fit(input(4, 1), labels(4, 1));
        assertTrue(Double.isFinite(conv.score()));
    }

    @Test
    void savedAndRestoredConvertedNetworkKeepsItsOutput(@TempDir Path dir) throws Exception {
        MultiLayerNetwork conv = NetworkConverter.convert(trainedMultiLayer(), PaddingMode.LEARNED);
        File f = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(conv, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        INDArray x = input(2, 5);
        assertTrue(bitEqual(conv.output(x), back.output(x)));
        assertEquals(PaddingModule.PredictorInit.ZEROS, ((PaddingModule) back.getLayer(0).conf().getLayer())
                .getPredictorInit());
    }

    @Test
    void anUninitialisedNetworkIsRefusedWithTheFix() {
        MultiLayerNetwork net = new MultiLayerNetwork(trainedMultiLayer().getLayerWiseConfigurations().clone());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkConverter.convert(net, PaddingMode.LEARNED));
        assertTrue(e.getMessage().contains("init()"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // DL4J zoo graphs with initialised weights

    @Test
    void zooVgg16() {
        ComputationGraph orig = org.deeplearning4j.zoo.model.VGG16.builder().numClasses(10)
                .inputShape(new int[]{3, 32, 32}).build().init();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3 * 32 * 32);
        checkGraph(orig, x, 13);
    }

    @Test
    void zooResNet50() {
        int s = 72;
        // He initialisation instead of the zoo's N(0, 0.5), whose activations overflow to NaN through 50 layers.
        ComputationGraph orig = new ComputationGraph(org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(5)
                .inputShape(new int[]{3, s, s}).weightInit(org.deeplearning4j.nn.weights.WeightInit.RELU
                        .getWeightInitFunction()).build().graphBuilder().build());
        orig.init();
        // Batch-norm statistics as a trained network has them, so that a missed copy would show.
        Nd4j.getRandom().setSeed(2);
        orig.paramTable().forEach((k, v) -> {
            if (k.endsWith("_mean")) {
                v.assign(Nd4j.rand(DataType.FLOAT, v.shape()).subi(0.5));
            } else if (k.endsWith("_var")) {
                v.assign(Nd4j.rand(DataType.FLOAT, v.shape()).addi(0.5));
            }
        });
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, s, s);
        // 16 stride-1 Same convolutions; LEARNED also replaces the stem's ZeroPaddingLayer (no new layer there).
        checkGraph(orig, x, 16);
    }

    /** Converts {@code orig} with ZERO and with LEARNED and compares every vertex's activations. */
    private static void checkGraph(ComputationGraph orig, INDArray x, int insertedPadLayers) {
        INDArray params = orig.params().dup();
        Map<String, INDArray> before = activations(orig, x);
        for (PaddingMode mode : new PaddingMode[]{PaddingMode.ZERO, PaddingMode.LEARNED}) {
            checkGraph(orig, mode, x, insertedPadLayers, params, before);
        }
    }

    private static void checkGraph(ComputationGraph orig, PaddingMode mode, INDArray x, int insertedPadLayers,
            INDArray params, Map<String, INDArray> before) {
        ComputationGraph conv = NetworkConverter.convert(orig, mode);

        assertTrue(bitEqual(params, orig.params()), "original parameters changed");
        orig.paramTable().forEach((k, v) -> assertTrue(bitEqual(v, conv.getParam(k)), "parameter " + k));
        assertEquals(orig.getLayers().length + insertedPadLayers, conv.getLayers().length);
        Map<String, INDArray> after = activations(conv, x);
        Map<String, INDArray> again = activations(orig, x);
        String output = orig.getConfiguration().getNetworkOutputs().get(0);
        assertTrue(bitEqual(before.get(output), again.get(output)), "original output changed");
        // Every vertex of the original, not just the softmax (which saturates), computes what it computed.
        double worst = 0;
        for (Map.Entry<String, INDArray> e : before.entrySet()) {
            INDArray a = after.get(e.getKey());
            assertNotNull(a, "vertex " + e.getKey() + " missing after conversion");
            assertFalse(e.getValue().isNaN().any(), "vertex " + e.getKey());
            worst = Math.max(worst, relativeDifference(e.getValue(), a));
        }
        System.out.printf("%s %s: worst vertex max |difference| / max |activation| = %.3g%n",
                orig.getConfiguration().getVertices().size() > 100 ? "ResNet50" : "VGG16", mode, worst);
        assertTrue(worst <= TOLERANCE, "converted activations differ by " + worst + " (relative)");
    }

    private static Map<String, INDArray> activations(ComputationGraph g, INDArray x) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        g.feedForward(new INDArray[]{x}, false, false).forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }
}
