package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.github.learnpad.Exact.assertIdentical;
import static io.github.learnpad.layers.TestArrays.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The float fast path ({@link FloatDepthwisePasses}) against BorderPredictor's general passes, which the other tests
 * check against finite differences and the SameDiff reference: same outputs, input gradients, local losses and
 * predictor gradients, for every side, ring count, context depth, window width and the small-map fallback.
 */
class FloatDepthwisePassesTest {

    static Stream<Arguments> configurations() {
        return Stream.of(
                // t, b, l, r, k, w, h, wd, loss
                Arguments.of(1, 1, 1, 1, 2, 3, 7, 9, LocalLoss.MSE),
                Arguments.of(2, 0, 1, 3, 2, 3, 6, 5, LocalLoss.MSE),
                Arguments.of(3, 3, 3, 3, 2, 3, 8, 8, LocalLoss.L1),
                Arguments.of(0, 2, 0, 0, 1, 3, 5, 4, LocalLoss.MSE),
                Arguments.of(0, 0, 2, 1, 3, 3, 6, 7, LocalLoss.MSE),
                Arguments.of(1, 2, 2, 1, 2, 5, 9, 6, LocalLoss.MSE),
                Arguments.of(2, 1, 1, 2, 3, 1, 5, 5, LocalLoss.L1),
                // too small for the context (k = 3): replicate fallback on every side, and no training pair
                Arguments.of(1, 1, 2, 2, 3, 3, 2, 3, LocalLoss.MSE),
                // borders of length 2 and 1
                Arguments.of(1, 1, 1, 1, 1, 3, 2, 2, LocalLoss.MSE),
                Arguments.of(2, 2, 1, 1, 1, 3, 1, 4, LocalLoss.MSE));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void fastEqualsGeneral(int t, int b, int l, int r, int k, int w, int h, int wd, LocalLoss loss) {
        int n = 3, c = 4;
        PaddingModule conf = new PaddingModule.Builder().padding(t, b, l, r).contextDepth(k).kernelWidth(w)
                .localLoss(loss).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, c, DataType.FLOAT);
        Random rnd = new Random(t * 1000 + b * 100 + l * 10 + r + k + w);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape())));
        Map<String, INDArray> params = m.paramTable();
        PaddingModule cf = m.conf();
        assertSame(FloatDepthwisePasses.INSTANCE, PaddingPasses.choose(cf, DataType.FLOAT));

        INDArray x = random(rnd, n, c, h, wd);
        long[] outShape = {n, c, h + t + b, wd + l + r};
        INDArray fast = Nd4j.create(DataType.FLOAT, outShape);
        INDArray general = Nd4j.create(DataType.FLOAT, outShape);
        LocalLossResult fastLoss = BorderPredictor.forward(cf, PredictorWeights.read(cf, params), x, fast, "t", true);
        LocalLossResult generalLoss = GeneralPasses.forwardGeneral(cf, PredictorWeights.read(cf, params), x, general, "t", true);
        assertClose(general, fast, 2e-5, "output");
        assertEquals(Double.isNaN(generalLoss.loss), Double.isNaN(fastLoss.loss));
        if (!Double.isNaN(generalLoss.loss)) {
            assertEquals(generalLoss.loss, fastLoss.loss, 1e-5 * Math.max(1, generalLoss.loss));
        }
        Map<String, INDArray> gFast = zerosLike(params), gGeneral = zerosLike(params), gStandalone = zerosLike(params);
        fastLoss.writeTo(gFast);
        generalLoss.writeTo(gGeneral);
        double standalone = BorderPredictor.localLoss(cf, params, x, gStandalone);
        for (String key : params.keySet()) {
            assertClose(gGeneral.get(key), gFast.get(key), 2e-5, "predictor gradient " + key);
            // The loss the training forward computes is the one localLoss computes.
            assertClose(gFast.get(key), gStandalone.get(key), 2e-5, "localLoss gradient " + key);
        }
        if (Double.isNaN(standalone)) {
            assertTrue(Double.isNaN(fastLoss.loss), "no training pair: the forward's loss is NaN too");
        } else {
            assertEquals(standalone, fastLoss.loss, 1e-6 * Math.max(1, Math.abs(standalone)));
        }

        INDArray eps = random(rnd, outShape);
        INDArray dxFast = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dxGeneral = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray epsBefore = eps.dup();
        BorderPredictor.backward(cf, params, x, eps, dxFast, "t");
        GeneralPasses.backwardGeneral(cf, PredictorWeights.read(cf, params), x, eps, dxGeneral, "t");
        assertClose(dxGeneral, dxFast, 2e-5, "input gradient");
        assertIdentical(epsBefore, eps, "backward leaves eps alone");
        // What the layer uses: the same gradient, computed in eps itself and returned as the view of its interior.
        INDArray dxInPlace = BorderPredictor.backwardInPlace(cf, PredictorWeights.read(cf, params), x, eps, "t");
        assertNotNull(dxInPlace);
        assertIdentical(dxFast, dxInPlace, "in place == copy, bit for bit");
        dxInPlace.assign(7);
        assertEquals(7.0, eps.getDouble(0, 0, t, l), "the in-place gradient is a view of eps");
    }

    @Test
    void viewsAndNonPackedArraysAreHandled() {
        PaddingModule conf = new PaddingModule.Builder().padding(1, 2, 2, 1).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 3, DataType.FLOAT);
        Random rnd = new Random(5);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape())));
        INDArray big = random(rnd, 2, 3, 9, 10);
        // A strided view (every other column) and an 'f'-ordered copy take the same path as a packed array.
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 10));
        INDArray packed = view.dup('c');
        INDArray fOrder = view.dup('f');
        // The (C, N, H, W) layout of a convolution's output: contiguous planes, walked channel-major, no copy.
        INDArray cnhw = view.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
        assertTrue(StridedAccess.of(cnhw).planesContiguous() && StridedAccess.of(cnhw).channelMajor());
        INDArray a = m.pad(view), b = m.pad(packed), c = m.pad(fOrder), d = m.pad(cnhw);
        assertIdentical(b, a, "strided view");
        assertIdentical(b, c, "f order");
        assertIdentical(b, d, "(C, N, H, W) layout");
        Map<String, INDArray> gPacked = zerosLike(m.paramTable()), gCnhw = zerosLike(m.paramTable());
        double lPacked = BorderPredictor.localLoss(m.conf(), m.paramTable(), packed, gPacked);
        double lCnhw = BorderPredictor.localLoss(m.conf(), m.paramTable(), cnhw, gCnhw);
        assertEquals(lPacked, lCnhw, 1e-6 * lPacked, "the walk's order only changes the order of the sums");
        for (String key : gPacked.keySet()) {
            assertClose(gPacked.get(key), gCnhw.get(key), 2e-5, key);
        }
        // The in-place backward declines a non-packed gradient (e.g. a MergeVertex's view) and DOUBLE; backward
        // then gives the same result from the copy path. (Channel mixing runs the ND4J-ops passes, in place in any
        // layout: OpsPassesTest.)
        INDArray epsBig = random(rnd, 2, 3, 12, 18);
        INDArray epsView = epsBig.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 16));
        PredictorWeights wt = PredictorWeights.read(m.conf(), m.paramTable());
        assertNull(BorderPredictor.backwardInPlace(m.conf(), wt, view, epsView, "t"));
        assertNull(BorderPredictor.backwardInPlace(m.conf(), wt, view, epsView.castTo(DataType.DOUBLE), "t"));
        INDArray fromView = Nd4j.create(DataType.FLOAT, view.shape());
        BorderPredictor.backward(m.conf(), m.paramTable(), view, epsView, fromView, "t");
        INDArray inPlace = BorderPredictor.backwardInPlace(m.conf(), wt, packed, epsView.dup('c'), "t");
        assertIdentical(fromView, inPlace, "in place vs copy from a view");
        INDArray epsCnhw = epsView.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
        assertIdentical(fromView, BorderPredictor.backwardInPlace(m.conf(), wt, packed, epsCnhw, "t"),
                "in place in the (C, N, H, W) layout");
    }

    @Test
    void halfPrecisionDataIsComputedInFloat() {
        PaddingModule conf = new PaddingModule.Builder().padding(2, 1, 1, 2).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 3, DataType.FLOAT);
        Random rnd = new Random(11);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape()).mul(0.3)));
        INDArray x = random(rnd, 2, 3, 6, 7).castTo(DataType.HALF);
        INDArray outHalf = Nd4j.create(DataType.HALF, 2, 3, 9, 10);
        INDArray outFloat = Nd4j.create(DataType.FLOAT, 2, 3, 9, 10);
        BorderPredictor.forward(m.conf(), m.paramTable(), x, outHalf, "t");
        BorderPredictor.forward(m.conf(), m.paramTable(), x.castTo(DataType.FLOAT), outFloat, "t");
        assertEquals(DataType.HALF, outHalf.dataType());
        double diff = outHalf.castTo(DataType.FLOAT).sub(outFloat).amaxNumber().doubleValue();
        assertTrue(diff <= 2e-3 * Math.max(1, outFloat.amaxNumber().doubleValue()), "half vs float: " + diff);
        INDArray eps = random(rnd, 2, 3, 9, 10);
        INDArray dxHalf = Nd4j.create(DataType.HALF, 2, 3, 6, 7);
        INDArray dxFloat = Nd4j.create(DataType.FLOAT, 2, 3, 6, 7);
        BorderPredictor.backward(m.conf(), m.paramTable(), x, eps.castTo(DataType.HALF), dxHalf, "t");
        BorderPredictor.backward(m.conf(), m.paramTable(), x.castTo(DataType.FLOAT), eps.castTo(DataType.HALF)
                .castTo(DataType.FLOAT), dxFloat, "t");
        double dDiff = dxHalf.castTo(DataType.FLOAT).sub(dxFloat).amaxNumber().doubleValue();
        assertTrue(dDiff <= 2e-3 * Math.max(1, dxFloat.amaxNumber().doubleValue()), "half vs float gradient: " + dDiff);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        PaddingModule conf = new PaddingModule.Builder().padding(1).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 16, DataType.FLOAT);
        Random rnd = new Random(9);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape())));
        INDArray x = random(rnd, 8, 16, 12, 12);
        org.nd4j.linalg.factory.Environment env = Nd4j.getEnvironment();
        int savedMaster = env.maxMasterThreads(), saved = env.maxThreads();
        try {
            Map<String, INDArray> one = zerosLike(m.paramTable()), two = zerosLike(m.paramTable());
            env.setMaxThreads(1);
            env.setMaxMasterThreads(1);
            assertEquals(1, Partitions.threads());
            double l1 = BorderPredictor.localLoss(m.conf(), m.paramTable(), x, one);
            env.setMaxThreads(2);
            env.setMaxMasterThreads(2);
            org.junit.jupiter.api.Assumptions.assumeTrue(Partitions.threads() == 2,
                    "needs 2 cores: the passes ran with " + Partitions.threads() + " thread(s)");
            double l2 = BorderPredictor.localLoss(m.conf(), m.paramTable(), x, two);
            assertEquals(l1, l2, 0.0, "the partitions, not the threads, fix the order of the sums");
            for (String key : one.keySet()) {
                assertIdentical(one.get(key), two.get(key), key);
            }
        } finally {
            env.setMaxThreads(saved);
            env.setMaxMasterThreads(savedMaster);
        }
    }

    /**
     * In a network, FLOAT takes the in-place backward (the module adds its border's gradient into the epsilon it
     * receives and hands back a view): the gradients reaching the layer before it must be those of the DOUBLE network
     * (general path, fresh arrays). The module's output feeds two branches, so its epsilon is ComputationGraph's sum.
     */
    @Test
    void inANetworkTheInPlaceBackwardGivesTheGeneralPathsGradients() {
        ComputationGraph f = branchedGraph(DataType.FLOAT), d = branchedGraph(DataType.DOUBLE);
        Random rnd = new Random(21);
        f.getLayer("pm").paramTable().values().forEach(p -> p.assign(random(rnd, p.shape()).mul(0.5)));
        d.setParams(f.params().castTo(DataType.DOUBLE));
        INDArray x = random(rnd, 3, 2, 7, 6), y = random(rnd, 3, 2, 8, 7);
        f.setInputs(x);
        f.setLabels(y);
        f.computeGradientAndScore();
        d.setInputs(x.castTo(DataType.DOUBLE));
        d.setLabels(y.castTo(DataType.DOUBLE));
        d.computeGradientAndScore();
        INDArray gf = f.gradient().getGradientFor("c1_W"), gd = d.gradient().getGradientFor("c1_W");
        double scale = gd.amaxNumber().doubleValue();
        assertTrue(scale > 1e-3, "the first convolution gets a gradient through the module");
        double diff = gd.sub(gf.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * Math.max(1, scale), "float (in place) vs double: " + diff + " (scale " + scale + ")");
    }

    private static ComputationGraph branchedGraph(DataType dt) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(dt).seed(3)
                .updater(new Sgd(0.1)).convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(7, 6, 2))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("pm", new PaddingModule.Builder().padding(1, 0, 0, 1).build(), "c1")
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "pm")
                .addLayer("b", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(), "pm")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .build(), "sum")
                .setOutputs("out").build());
        g.init();
        return g;
    }
}
