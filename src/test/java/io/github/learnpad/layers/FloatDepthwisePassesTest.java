package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

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
        assertTrue(FloatDepthwisePasses.handles(cf, DataType.FLOAT));

        INDArray x = random(rnd, n, c, h, wd);
        long[] outShape = {n, c, h + t + b, wd + l + r};
        INDArray fast = Nd4j.create(DataType.FLOAT, outShape);
        INDArray general = Nd4j.create(DataType.FLOAT, outShape);
        BorderPredictor.LocalLossResult fastLoss = BorderPredictor.forward(cf, params, x, fast, "t", true);
        BorderPredictor.LocalLossResult generalLoss = BorderPredictor.forwardGeneral(cf, params, x, general, "t", true);
        assertClose(general, fast, "output");
        assertEquals(Double.isNaN(generalLoss.loss), Double.isNaN(fastLoss.loss));
        if (!Double.isNaN(generalLoss.loss)) {
            assertEquals(generalLoss.loss, fastLoss.loss, 1e-5 * Math.max(1, generalLoss.loss));
        }
        Map<String, INDArray> gFast = zerosLike(params), gGeneral = zerosLike(params), gStandalone = zerosLike(params);
        fastLoss.writeTo(gFast);
        generalLoss.writeTo(gGeneral);
        double standalone = BorderPredictor.localLoss(cf, params, x, gStandalone);
        for (String key : params.keySet()) {
            assertClose(gGeneral.get(key), gFast.get(key), "predictor gradient " + key);
            // The loss the training forward computes is the one localLoss computes.
            assertClose(gFast.get(key), gStandalone.get(key), "localLoss gradient " + key);
        }
        if (Double.isNaN(standalone)) {
            assertTrue(Double.isNaN(fastLoss.loss), "no training pair: the forward's loss is NaN too");
        } else {
            assertEquals(standalone, fastLoss.loss, 1e-6 * Math.max(1, Math.abs(standalone)));
        }

        INDArray eps = random(rnd, outShape);
        INDArray dxFast = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dxGeneral = Nd4j.create(DataType.FLOAT, x.shape());
        BorderPredictor.backward(cf, params, x, eps, dxFast, "t");
        BorderPredictor.backwardGeneral(cf, params, x, eps, dxGeneral, "t");
        assertClose(dxGeneral, dxFast, "input gradient");
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
        INDArray a = m.pad(view), b = m.pad(packed), c = m.pad(fOrder);
        assertEquals(b, a);
        assertEquals(b, c);
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
        BorderPredictor.forward(m.conf(), m.paramTable(), x, outHalf, "t", false);
        BorderPredictor.forward(m.conf(), m.paramTable(), x.castTo(DataType.FLOAT), outFloat, "t", false);
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
        int saved = Nd4j.getEnvironment().maxMasterThreads();
        try {
            Map<String, INDArray> one = zerosLike(m.paramTable()), two = zerosLike(m.paramTable());
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            double l1 = BorderPredictor.localLoss(m.conf(), m.paramTable(), x, one);
            Nd4j.getEnvironment().setMaxMasterThreads(2);
            double l2 = BorderPredictor.localLoss(m.conf(), m.paramTable(), x, two);
            assertEquals(l1, l2, 0.0, "the partitions, not the threads, fix the order of the sums");
            for (String key : one.keySet()) {
                assertEquals(one.get(key), two.get(key), key);
            }
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(saved);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 2e-5 * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }

    private static Map<String, INDArray> zerosLike(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.ulike().assign(0)));
        return out;
    }

    private static INDArray random(Random rnd, long... shape) {
        INDArray a = Nd4j.create(DataType.FLOAT, shape);
        float[] v = new float[(int) a.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return a.assign(Nd4j.create(v, shape, 'c'));
    }
}
