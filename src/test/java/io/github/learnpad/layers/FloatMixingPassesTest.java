package io.github.learnpad.layers;

import io.github.learnpad.Exact;
import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.github.learnpad.layers.TestArrays.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The CPU channel-mixing passes ({@link FloatMixingPasses}: GEMMs plus Java loops) against the general Java passes,
 * which the other tests check against finite differences and the SameDiff reference: same outputs, input gradients,
 * local losses and predictor gradients, for every side, ring count, context depth, window width, border length and
 * the small-map fallback, in the memory layouts the layer meets (packed, a convolution's, an NHWC network's).
 *
 * <p>Tolerance 1e-4 relative to the values' scale: these passes sum the products in float (the GEMM, then the w taps),
 * the general passes in double; about a thousand float roundings at most.
 */
class FloatMixingPassesTest {
    private static final double TOL = 1e-4;

    static Stream<Arguments> configurations() {
        return Arrays.stream(PassesCases.geometries()).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void equalsGeneral(int t, int b, int l, int r, int k, int w, int h, int wd, LocalLoss loss) {
        int n = 3, c = 4;
        PaddingModule conf = new PaddingModule.Builder().padding(t, b, l, r).contextDepth(k).kernelWidth(w)
                .channelMixing(true).localLoss(loss).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, c, DataType.FLOAT);
        Random rnd = new Random(t * 1000 + b * 100 + l * 10 + r + k + w);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape()).mul(0.5)));
        Map<String, INDArray> params = m.paramTable();
        PaddingModule cf = m.conf();
        PredictorWeights weights = PredictorWeights.read(cf, params);
        INDArray x = random(rnd, n, c, h, wd);
        long[] outShape = {n, c, h + t + b, wd + l + r};
        INDArray expected = Nd4j.create(DataType.FLOAT, outShape);
        LocalLossResult expectedLoss = GeneralPasses.forwardGeneral(cf, weights, x, expected, "t", true);
        Map<String, INDArray> gExpected = zerosLike(params);
        if (expectedLoss != null) {
            expectedLoss.writeTo(gExpected);
        }
        INDArray eps = random(rnd, outShape);
        INDArray dxExpected = Nd4j.create(DataType.FLOAT, x.shape());
        GeneralPasses.backwardGeneral(cf, weights, x, eps, dxExpected, "t");

        for (String layout : new String[]{"packed", "(C, N, H, W)", "(N, H, W, C)"}) {
            INDArray xi = inLayout(x, layout);
            INDArray out = inLayout(Nd4j.create(DataType.FLOAT, outShape), layout);
            // A stale buffer must not matter: the gradient overwrites it.
            Map<String, INDArray> buffer = zerosLike(params);
            buffer.values().forEach(a -> a.assign(9));
            LocalLossResult got = FloatMixingPasses.INSTANCE.forward(cf, PredictorWeights.read(cf, params, () -> buffer), xi,
                    out, "t", true);
            assertClose(expected, out, TOL, layout + ": output");
            if (loss == LocalLoss.NONE) {
                assertNull(got);
            } else {
                assertEquals(Double.isNaN(expectedLoss.loss), Double.isNaN(got.loss));
                if (!Double.isNaN(expectedLoss.loss)) {
                    assertEquals(expectedLoss.loss, got.loss, TOL * Math.max(1, expectedLoss.loss), "local loss");
                }
                Map<String, INDArray> gGot = zerosLike(params), gStandalone = zerosLike(params);
                got.writeTo(gGot);
                double standalone = FloatMixingPasses.INSTANCE.localLoss(cf, weights, xi, gStandalone);
                assertEquals(got.loss, standalone, 0.0, "the standalone local loss");
                for (String key : params.keySet()) {
                    assertClose(gExpected.get(key), gGot.get(key), TOL, layout + ": predictor gradient " + key);
                    assertClose(gGot.get(key), gStandalone.get(key), 0, "standalone gradient " + key);
                    assertClose(gGot.get(key), buffer.get(key), 0, "gradient kept in the buffer " + key);
                }
            }
            INDArray epsi = inLayout(eps, layout);
            INDArray dx = FloatMixingPasses.INSTANCE.backwardInPlace(cf, weights, xi, epsi, "t");
            assertClose(dxExpected, dx, TOL, layout + ": input gradient");
            dx.assign(7);
            assertEquals(7.0, epsi.getDouble(0, 0, t, l), "the input gradient is a view of eps");
            INDArray dxCopy = Nd4j.create(DataType.FLOAT, x.shape());
            INDArray epsKept = inLayout(eps, layout);
            FloatMixingPasses.INSTANCE.backward(cf, weights, xi, epsKept, dxCopy, "t");
            assertClose(dxExpected, dxCopy, TOL, layout + ": input gradient (copy)");
            Exact.assertIdentical(eps, epsKept, "backward leaves eps alone");
        }
    }

    /**
     * Large predictors have their weights and weight gradient rearranged by ND4J ops instead of Java loops
     * ({@link MixingPredictor#NATIVE_REARRANGE}): copies either way, so everything must be identical. Run both ways on
     * the same data by moving the threshold.
     */
    @ParameterizedTest
    @MethodSource("configurations")
    void nativeRearrangementGivesIdenticalResults(int t, int b, int l, int r, int k, int w, int h, int wd,
                                                   LocalLoss loss) {
        PaddingModule conf = new PaddingModule.Builder().padding(t, b, l, r).contextDepth(k).kernelWidth(w)
                .channelMixing(true).localLoss(loss).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 5, DataType.FLOAT);
        Random rnd = new Random(31 + t + 7 * w + h);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape()).mul(0.5)));
        INDArray x = random(rnd, 2, 5, h, wd), eps = random(rnd, 2, 5, h + t + b, wd + l + r);
        FloatMixingPasses java = new FloatMixingPasses(Long.MAX_VALUE), nd4j = new FloatMixingPasses(0);
        Object[] a = run(java, m, x, eps), n = run(nd4j, m, x, eps);
        assertEquals((Double) a[0], (Double) n[0], 0.0, "local loss");
        for (int i = 1; i < a.length; i++) {
            Exact.assertIdentical((INDArray) a[i], (INDArray) n[i], "result " + i);
        }
    }

    /** {loss, output, input gradient, then the local loss's gradient by parameter} of one training step's passes. */
    private static Object[] run(FloatMixingPasses passes, StandalonePaddingModule m, INDArray x, INDArray eps) {
        PaddingModule cf = m.conf();
        Map<String, INDArray> buffer = zerosLike(m.paramTable());
        PredictorWeights weights = PredictorWeights.read(cf, m.paramTable(), () -> buffer);
        INDArray out = Nd4j.create(DataType.FLOAT, eps.shape());
        LocalLossResult loss = passes.forward(cf, weights, x, out, "t", true);
        INDArray dx = passes.backwardInPlace(cf, weights, x, eps.dup(), "t").dup();
        java.util.List<Object> r = new java.util.ArrayList<>(java.util.List.of(loss == null ? Double.NaN : loss.loss,
                out, dx));
        buffer.values().forEach(g -> r.add(g.dup()));
        return r.toArray();
    }

    /** A strided view (every other column) reads like its packed copy, exactly. */
    @Test
    void stridedView() {
        PaddingModule conf = new PaddingModule.Builder().padding(1, 2, 2, 1).channelMixing(true).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 3, DataType.FLOAT);
        Random rnd = new Random(5);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape())));
        INDArray big = random(rnd, 2, 3, 9, 10);
        INDArray view = big.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 2, 10));
        assertSame(FloatMixingPasses.INSTANCE, PaddingPasses.choose(m.conf(), DataType.FLOAT));
        Exact.assertIdentical(m.pad(view.dup('c')), m.pad(view), "strided view");
    }

    /** NaN in the rows the local loss reads is refused, naming the side. */
    @Test
    void nanInTheTrainingRowsIsRefused() {
        PaddingModule conf = new PaddingModule.Builder().padding(1).channelMixing(true).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 2, DataType.FLOAT);
        INDArray x = random(new Random(2), 2, 2, 5, 6);
        Map<String, INDArray> g = zerosLike(m.paramTable());
        PredictorWeights weights = PredictorWeights.read(m.conf(), m.paramTable());
        assertFalse(Double.isNaN(FloatMixingPasses.INSTANCE.localLoss(m.conf(), weights, x, g)), "finite input: a loss");
        x.putScalar(new long[]{1, 0, 4, 3}, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatMixingPasses.INSTANCE.localLoss(m.conf(), weights, x, g));
        assertTrue(e.getMessage().contains("bottom"), e.getMessage());
    }

    /**
     * Inside {@code fit()} with DL4J's default workspaces, a channel-mixing network on these passes (FAST, float)
     * trains like the same network on the general Java passes (JAVA): every parameter agrees to float rounding after
     * a few steps, and the predictor did train.
     */
    @Test
    void trainsInFitLikeTheGeneralPasses() {
        PassesCases.assertTrainsAlike(new PaddingModule.Builder().padding(1, 2, 1, 1).channelMixing(true),
                PaddingModule.Implementation.JAVA, PaddingModule.Implementation.FAST);
    }

    /**
     * A copy of {@code a}'s values as an (N, C, H, W) view of an array laid out in memory as {@code layout}: packed;
     * (C, N, H, W), as DL4J's convolutions lay out their outputs and input gradients; or (N, H, W, C), as the NHWC
     * layers hand arrays to the module (no plane contiguous).
     */
    private static INDArray inLayout(INDArray a, String layout) {
        switch (layout) {
            case "packed":
                return a.dup('c');
            case "(C, N, H, W)":
                return a.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
            default:
                return a.permute(0, 2, 3, 1).dup('c').permute(0, 3, 1, 2);
        }
    }
}
