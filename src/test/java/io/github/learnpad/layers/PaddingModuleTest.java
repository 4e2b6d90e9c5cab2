package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.Implementation;
import io.github.learnpad.layers.PaddingModule.LocalLoss;
import io.github.learnpad.layers.PaddingModule.PredictorInit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

/** Shapes, exact values, gradients (against finite differences and the SameDiff reference) of the Padding Module. */
class PaddingModuleTest {
    private static DataType savedDefault;

    @BeforeAll
    static void doublePrecision() {
        savedDefault = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedDefault, savedDefault);
    }

    /** A network [PaddingModule -> per-pixel MSE] so the layer can be driven alone. */
    static MultiLayerNetwork net(PaddingModule pm, int c, int h, int w, DataType dt) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(dt).seed(1).updater(new Sgd(0.1))
                .list()
                .layer(pm)
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(h, w, c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.initGradientsView();
        return net;
    }

    static INDArray forward(MultiLayerNetwork net, INDArray x, boolean training) {
        Layer l = net.getLayer(0);
        l.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        return l.activate(training, LayerWorkspaceMgr.noWorkspaces());
    }

    static Pair<Gradient, INDArray> backward(MultiLayerNetwork net, INDArray x, INDArray eps) {
        Layer l = net.getLayer(0);
        l.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        l.activate(true, LayerWorkspaceMgr.noWorkspaces());
        return l.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces());
    }

    static PaddingModule.Builder pm(int t, int b, int l, int r) {
        return new PaddingModule.Builder().padding(t, b, l, r);
    }

    /** Replicate padding computed by index clamping. */
    static double replicated(INDArray x, int n, int c, int i, int j, int t, int l) {
        int h = (int) x.size(2), w = (int) x.size(3);
        return x.getDouble(n, c, Math.min(h - 1, Math.max(0, i - t)), Math.min(w - 1, Math.max(0, j - l)));
    }

    static Stream<Arguments> paddings() {
        return Stream.of(Arguments.of(1, 1, 1, 1), Arguments.of(2, 2, 2, 2), Arguments.of(3, 3, 3, 3),
                Arguments.of(1, 2, 0, 3), Arguments.of(3, 0, 2, 1), Arguments.of(0, 0, 0, 2));
    }

    @ParameterizedTest
    @MethodSource("paddings")
    void shapeInteriorAndReplicateInit(int t, int b, int l, int r) {
        MultiLayerNetwork net = net(pm(t, b, l, r).build(), 2, 5, 6, DataType.DOUBLE);
        INDArray x = rand(1, DataType.DOUBLE, 3, 2, 5, 6);
        INDArray y = forward(net, x, false);
        assertArrayEquals(new long[]{3, 2, 5 + t + b, 6 + l + r}, y.shape());
        assertIdentical(x, y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 5),
                NDArrayIndex.interval(l, l + 6)), "interior must be the input, exactly");
        // The default initialisation is exactly replicate padding, corners included.
        for (int n = 0; n < 3; n++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < y.size(2); i++) {
                    for (int j = 0; j < y.size(3); j++) {
                        assertEquals(replicated(x, n, c, i, j, t, l), y.getDouble(n, c, i, j), 0.0, "at " + i + "," + j);
                    }
                }
            }
        }
        assertEquals(net.getLayer(0).getParam("topW") != null, t > 0, "only padded sides have a predictor");
        assertIdentical(y, net.output(x), "the network's workspace-managed pass must give the same values");
    }

    @Test
    void zerosInitGivesZeroPadding() {
        MultiLayerNetwork net = net(pm(2, 1, 1, 2).predictorInit(PredictorInit.ZEROS).build(), 2, 4, 4, DataType.DOUBLE);
        INDArray x = rand(2, DataType.DOUBLE, 2, 2, 4, 4).addi(1);
        INDArray y = forward(net, x, false);
        assertEquals(x.sumNumber().doubleValue(), y.sumNumber().doubleValue(), 1e-9, "border must be all zeros");
    }

    /**
     * With weights 2 and -1 on the two nearest rows (linear extrapolation), every ring and every corner of a linear
     * ramp is its exact continuation, for any amount of padding.
     */
    @ParameterizedTest
    @MethodSource("paddings")
    void linearExtrapolationIsExactOnRamps(int t, int b, int l, int r) {
        for (boolean mixing : new boolean[]{false, true}) {
            MultiLayerNetwork net = net(pm(t, b, l, r).channelMixing(mixing).build(), 2, 5, 7, DataType.DOUBLE);
            Layer layer = net.getLayer(0);
            for (Side s : Side.values()) {
                INDArray wt = layer.getParam(s.weightKey());
                if (wt == null) {
                    continue;
                }
                wt.assign(0);
                for (int c = 0; c < 2; c++) {
                    if (mixing) {
                        wt.putScalar(new long[]{c, c, 0, 1}, 2.0);
                        wt.putScalar(new long[]{c, c, 1, 1}, -1.0);
                    } else {
                        wt.putScalar(new long[]{c, 0, 1}, 2.0);
                        wt.putScalar(new long[]{c, 1, 1}, -1.0);
                    }
                }
            }
            INDArray x = Nd4j.create(DataType.DOUBLE, 1, 2, 5, 7);
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        x.putScalar(new long[]{0, c, i, j}, 0.5 + (c + 1) * 0.3 * i - 0.2 * j);
                    }
                }
            }
            INDArray y = forward(net, x, false);
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < y.size(2); i++) {
                    for (int j = 0; j < y.size(3); j++) {
                        double expected = 0.5 + (c + 1) * 0.3 * (i - t) - 0.2 * (j - l);
                        assertEquals(expected, y.getDouble(0, c, i, j), 1e-12, "mixing=" + mixing + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(pm(1, 1, 1, 1)),
                Arguments.of(pm(2, 1, 3, 0).contextDepth(3)),
                Arguments.of(pm(1, 2, 2, 1).kernelWidth(5).localLoss(LocalLoss.L1)),
                Arguments.of(pm(2, 2, 1, 1).channelMixing(true)),
                Arguments.of(pm(1, 1, 2, 2).borderGradient(false)),
                Arguments.of(pm(3, 3, 3, 3).kernelWidth(1).contextDepth(1)));
    }

    /** Puts random values into every predictor parameter so that no test passes by symmetry. */
    static void randomise(Layer layer, long seed) {
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            e.getValue().assign(rand(seed++, e.getValue().dataType(), e.getValue().shape()).subi(0.5));
        }
    }

    /** Uniform [0, 1) from java.util.Random: reproducible whatever else used ND4J's generator before. */
    static INDArray rand(long seed, DataType dt, long... shape) {
        java.util.Random r = new java.util.Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextDouble());
        }
        return a.castTo(dt);
    }

    /**
     * The input gradient against central finite differences of sum(output * R), the predictor held fixed. The
     * SAMEDIFF reference is checked against this path in {@link #fastPathEqualsSameDiffReference}.
     */
    @ParameterizedTest
    @MethodSource("configurations")
    void inputGradientMatchesFiniteDifferences(PaddingModule.Builder builder) {
        for (Implementation impl : new Implementation[]{Implementation.FAST}) {
            MultiLayerNetwork net = net(builder.implementation(impl).build(), 2, 5, 4, DataType.DOUBLE);
            randomise(net.getLayer(0), 7);
            INDArray x = rand(3, DataType.DOUBLE, 2, 2, 5, 4);
            INDArray y = forward(net, x, true);
            INDArray rw = rand(4, DataType.DOUBLE, y.shape()).subi(0.5);
            // The layer may add into the epsilon it receives (as DL4J layers may): hand it a copy of R.
            INDArray dx = backward(net, x, rw.dup()).getSecond().dup();
            double h = 1e-6;
            double maxErr = 0;
            for (int i = 0; i < x.length(); i++) {
                double v = x.getDouble(i);
                x.putScalar(i, v + h);
                double fp = forward(net, x, false).mul(rw).sumNumber().doubleValue();
                x.putScalar(i, v - h);
                double fm = forward(net, x, false).mul(rw).sumNumber().doubleValue();
                x.putScalar(i, v);
                maxErr = Math.max(maxErr, Math.abs((fp - fm) / (2 * h) - dx.getDouble(i)));
            }
            PaddingModule conf = (PaddingModule) net.getLayer(0).conf().getLayer();
            if (conf.isBorderGradient()) {
                assertTrue(maxErr < 1e-7, impl + ": max |finite difference - backprop| = " + maxErr);
            } else {
                // Only the interior carries gradient: dx is exactly the interior of R.
                INDArray interior = rw.get(NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.interval(conf.getTop(), conf.getTop() + 5),
                        NDArrayIndex.interval(conf.getLeft(), conf.getLeft() + 4));
                assertEquals(interior, dx, impl.toString());
                assertTrue(maxErr > 1e-3, "with border gradients off the border's true derivative must be dropped");
            }
        }
    }

    /** The predictor gradient against central finite differences of the local loss. */
    @ParameterizedTest
    @MethodSource("configurations")
    void predictorGradientMatchesFiniteDifferencesOfLocalLoss(PaddingModule.Builder builder) {
        PaddingModule conf = builder.implementation(Implementation.FAST).build();
        MultiLayerNetwork net = net(conf, 2, 6, 5, DataType.DOUBLE);
        Layer layer = net.getLayer(0);
        randomise(layer, 11);
        INDArray x = rand(5, DataType.DOUBLE, 3, 2, 6, 5);
        PaddingModule c = (PaddingModule) layer.conf().getLayer();
        Map<String, INDArray> grads = new HashMap<>();
        layer.paramTable().forEach((k, v) -> grads.put(k, v.ulike()));
        BorderPredictor.localLoss(c, layer.paramTable(), x, grads);
        Map<String, INDArray> scratch = new HashMap<>();
        layer.paramTable().forEach((k, v) -> scratch.put(k, v.ulike()));
        double h = 1e-6;
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            INDArray p = e.getValue();
            for (int i = 0; i < p.length(); i++) {
                double v = p.getDouble(i);
                p.putScalar(i, v + h);
                double lp = BorderPredictor.localLoss(c, layer.paramTable(), x, scratch);
                p.putScalar(i, v - h);
                double lm = BorderPredictor.localLoss(c, layer.paramTable(), x, scratch);
                p.putScalar(i, v);
                double fd = (lp - lm) / (2 * h);
                assertEquals(fd, grads.get(e.getKey()).getDouble(i), 1e-6, e.getKey() + "[" + i + "]");
            }
        }
    }

    /**
     * The FAST path works on a few samples at a time; with 40 channels a batch of 5 spans several chunks. Samples
     * are independent, so the batch must give exactly what each sample gives alone, and the local-loss gradient of
     * the batch must be the mean of the samples' gradients.
     */
    @Test
    void batchesEqualSampleBySample() {
        MultiLayerNetwork net = net(pm(2, 1, 3, 1).build(), 40, 40, 37, DataType.DOUBLE);
        Layer layer = net.getLayer(0);
        randomise(layer, 21);
        INDArray x = rand(22, DataType.DOUBLE, 5, 40, 40, 37);
        INDArray eps = rand(23, DataType.DOUBLE, 5, 40, 43, 41);
        INDArray y = forward(net, x, true).dup();
        INDArray dx = backward(net, x, eps).getSecond().dup();
        INDArray dW = layer.getGradientsViewArray().dup();
        INDArray meanDW = dW.ulike();
        for (int i = 0; i < 5; i++) {
            INDArray xi = x.get(NDArrayIndex.interval(i, i + 1)).dup();
            assertIdentical(y.get(NDArrayIndex.interval(i, i + 1)), forward(net, xi, true), "output of sample " + i);
            INDArray dxi = backward(net, xi, eps.get(NDArrayIndex.interval(i, i + 1)).dup()).getSecond();
            assertIdentical(dx.get(NDArrayIndex.interval(i, i + 1)), dxi, "input gradient of sample " + i);
            meanDW.addi(layer.getGradientsViewArray().div(5));
        }
        // Not identical: the batch sums over samples in another order than the mean of per-sample gradients.
        assertTrue(dW.equalsWithEps(meanDW, 1e-12), "predictor gradient of the batch vs mean over samples");
    }

    /**
     * Every explicit implementation (FAST, ND4J_OPS, JAVA) and the SameDiff reference give the same outputs, input
     * gradients and predictor gradients. Tolerance 1e-10 in DOUBLE (values of order 1): they add the same terms in
     * different orders.
     */
    @ParameterizedTest
    @MethodSource("configurations")
    void fastPathEqualsSameDiffReference(PaddingModule.Builder builder) {
        Map<Implementation, Object[]> results = new HashMap<>();
        for (Implementation impl : Implementation.values()) {
            MultiLayerNetwork net = net(builder.implementation(impl).build(), 3, 6, 5, DataType.DOUBLE);
            randomise(net.getLayer(0), 13);
            INDArray x = rand(17, DataType.DOUBLE, 2, 3, 6, 5);
            INDArray y = forward(net, x, true).dup();
            INDArray eps = rand(18, DataType.DOUBLE, y.shape());
            Pair<Gradient, INDArray> g = backward(net, x, eps);
            Map<String, INDArray> pg = new HashMap<>();
            g.getFirst().gradientForVariable().forEach((k, v) -> pg.put(k, v.dup()));
            results.put(impl, new Object[]{y, g.getSecond().dup(), pg, LocalLosses.last(net.getLayer(0))});
        }
        Object[] s = results.get(Implementation.SAMEDIFF);
        for (Implementation impl : Implementation.values()) {
            // FAST, and the implementations it chooses between (ND4J_OPS, JAVA), against the reference.
            Object[] f = results.get(impl);
            assertTrue(((INDArray) f[0]).equalsWithEps(s[0], 1e-10), impl + ": outputs differ");
            assertTrue(((INDArray) f[1]).equalsWithEps(s[1], 1e-10), impl + ": input gradients differ");
            @SuppressWarnings("unchecked") Map<String, INDArray> fg = (Map<String, INDArray>) f[2];
            @SuppressWarnings("unchecked") Map<String, INDArray> sg = (Map<String, INDArray>) s[2];
            assertEquals(fg.keySet(), sg.keySet());
            for (String k : fg.keySet()) {
                assertTrue(fg.get(k).equalsWithEps(sg.get(k), 1e-10), impl + ": predictor gradient " + k
                        + " differs:\n" + fg.get(k) + "\nvs\n" + sg.get(k));
            }
            assertEquals((double) f[3], (double) s[3], 1e-10, impl + ": local losses differ");
        }
    }
}
