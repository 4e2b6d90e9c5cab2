package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.github.learnpad.layers.TestArrays.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The ND4J-ops passes ({@link OpsPasses}: the device path, and the GEMM passes of channel mixing) against
 * BorderPredictor's general Java passes, which the other tests check against finite differences and the SameDiff
 * reference: same outputs, input gradients, local losses and predictor gradients, depthwise and channel mixing, for
 * every side, ring count, context depth, window width and the small-map fallback.
 *
 * <p>Tolerances: in DOUBLE both compute the same sums in a different order (1e-12 relative to the values' scale);
 * in FLOAT the ops sum in float (a GEMM over up to C·k·w products, the loss over N·C·L), the Java passes in double:
 * 1e-4 relative to the scale, about 1000 float roundings.
 */
class OpsPassesTest {

    static Stream<Arguments> configurations() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Object[] g : PassesCases.geometries()) {
            for (boolean mixing : new boolean[]{false, true}) {
                for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
                    Object[] args = new Object[g.length + 2];
                    System.arraycopy(g, 0, args, 0, g.length);
                    args[g.length] = mixing;
                    args[g.length + 1] = dt;
                    b.add(Arguments.of(args));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void opsEqualGeneral(int t, int b, int l, int r, int k, int w, int h, int wd, LocalLoss loss, boolean mixing,
                         DataType dt) {
        int n = 3, c = 4;
        double tol = dt == DataType.DOUBLE ? 1e-12 : 1e-4;
        PaddingModule conf = new PaddingModule.Builder().padding(t, b, l, r).contextDepth(k).kernelWidth(w)
                .channelMixing(mixing).localLoss(loss).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, c, dt);
        Random rnd = new Random(t * 1000 + b * 100 + l * 10 + r + k + w);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape()).mul(0.5)));
        Map<String, INDArray> params = m.paramTable();
        PaddingModule cf = m.conf();
        PredictorWeights weights = PredictorWeights.read(cf, params);

        INDArray x = random(rnd, n, c, h, wd).castTo(dt);
        long[] outShape = {n, c, h + t + b, wd + l + r};
        INDArray ops = Nd4j.create(dt, outShape);
        INDArray general = Nd4j.create(dt, outShape);
        LocalLossResult opsLoss = OpsPasses.pad(cf, params, x, ops, "t", true);
        LocalLossResult generalLoss = GeneralPasses.forwardGeneral(cf, weights, x, general, "t", true);
        assertClose(general, ops, tol, "output");
        if (loss == LocalLoss.NONE) {
            assertNull(opsLoss);
            assertNull(generalLoss);
        } else {
            assertEquals(Double.isNaN(generalLoss.loss), Double.isNaN(opsLoss.loss));
            if (!Double.isNaN(generalLoss.loss)) {
                assertEquals(generalLoss.loss, opsLoss.loss, tol * Math.max(1, generalLoss.loss), "local loss");
            }
            Map<String, INDArray> gOps = zerosLike(params), gGeneral = zerosLike(params), gStandalone = zerosLike(params);
            opsLoss.writeTo(gOps);
            generalLoss.writeTo(gGeneral);
            OpsPasses.localLoss(cf, params, x).writeTo(gStandalone);
            // The layer's reused buffer (stale contents must not matter): the same gradient, kept in the buffer.
            Map<String, INDArray> buffer = zerosLike(params), gBuffered = zerosLike(params);
            buffer.values().forEach(a -> a.assign(9));
            OpsPasses.pad(cf, params, x, Nd4j.create(dt, outShape), "t", true, buffer).writeTo(gBuffered);
            for (String key : params.keySet()) {
                assertClose(gGeneral.get(key), gOps.get(key), tol, "predictor gradient " + key);
                assertClose(gOps.get(key), gStandalone.get(key), 0, "localLoss gradient " + key);
                assertClose(gOps.get(key), gBuffered.get(key), 0, "gradient through the buffer " + key);
                assertClose(gOps.get(key), buffer.get(key), 0, "gradient kept in the buffer " + key);
            }
        }

        INDArray eps = random(rnd, outShape).castTo(dt);
        INDArray dxGeneral = Nd4j.create(dt, x.shape());
        GeneralPasses.backwardGeneral(cf, weights, x, eps, dxGeneral, "t");
        INDArray epsOps = eps.dup();
        INDArray dxOps = OpsPasses.addBorderGradient(cf, params, h, wd, epsOps);
        assertClose(dxGeneral, dxOps, tol, "input gradient");
        dxOps.assign(7);
        assertEquals(7.0, epsOps.getDouble(0, 0, t, l), "the input gradient is a view of eps");
    }

    /**
     * The depth reversal of the weights (k copies of slices, which replaced libnd4j's slow {@code Reverse} op) equals
     * that op exactly, for channel-mixing {@code (C, C, k, w)} and depthwise {@code (C, k, w)} weights, and reads a
     * view of the parameters without changing it.
     */
    @Test
    void reverseDepthEqualsTheReverseOpExactly() {
        Random rnd = new Random(11);
        for (int k = 1; k <= 3; k++) {
            for (boolean mixing : new boolean[]{false, true}) {
                long[] shape = mixing ? new long[]{4, 4, k, 3} : new long[]{4, k, 3};
                INDArray flat = random(rnd, 1, 7 + 4L * (mixing ? 4 : 1) * k * 3).castTo(DataType.FLOAT);
                INDArray a = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(7, flat.length())).reshape('c', shape);
                INDArray before = a.dup();
                INDArray expected = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.Reverse(
                        a.dup(), mixing ? 2 : 1))[0];
                INDArray got = OpsPasses.reverseDepth(a, mixing);
                assertTrue(expected.equalsWithEps(got, 0), "k=" + k + " mixing=" + mixing);
                assertTrue(before.equalsWithEps(a, 0), "the input is not changed");
                if (k > 1) {
                    assertFalse(a.equalsWithEps(got, 0), "the test reverses something");
                }
            }
        }
    }

    /** A layout other than packed NCHW (a convolution's (C, N, H, W)) and a strided view give the same results. */
    @Test
    void anyLayout() {
        PaddingModule conf = new PaddingModule.Builder().padding(1, 2, 2, 1).channelMixing(true)
                .implementation(PaddingModule.Implementation.ND4J_OPS).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 3, DataType.DOUBLE);
        Random rnd = new Random(5);
        m.paramTable().values().forEach(p -> p.assign(random(rnd, p.shape())));
        INDArray big = random(rnd, 2, 3, 9, 10).castTo(DataType.DOUBLE);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 10));
        INDArray packed = view.dup('c');
        INDArray cnhw = packed.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
        INDArray expected = m.pad(packed);
        assertTrue(expected.equalsWithEps(m.pad(view), 0), "strided view");
        assertTrue(expected.equalsWithEps(m.pad(cnhw), 0), "(C, N, H, W) layout");
        INDArray eps = random(rnd, 2, 3, 12, 8).castTo(DataType.DOUBLE);
        INDArray dx = OpsPasses.addBorderGradient(m.conf(), m.paramTable(), 9, 5, eps.dup());
        INDArray dxCnhw = OpsPasses.addBorderGradient(m.conf(), m.paramTable(), 9, 5,
                eps.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3));
        assertTrue(dx.equalsWithEps(dxCnhw, 0), "input gradient in the (C, N, H, W) layout");
    }

    /** NaN in the rows the local loss reads is refused, naming the side, before any gradient is handed out. */
    @Test
    void nanInTheTrainingRowsIsRefused() {
        PaddingModule conf = new PaddingModule.Builder().padding(1).channelMixing(true).build();
        StandalonePaddingModule m = new StandalonePaddingModule(conf, 2, DataType.FLOAT);
        INDArray x = random(new Random(2), 2, 2, 5, 6);
        assertFalse(Double.isNaN(OpsPasses.localLoss(m.conf(), m.paramTable(), x).loss), "finite input: a loss");
        x.putScalar(new long[]{1, 0, 4, 3}, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpsPasses.localLoss(m.conf(), m.paramTable(), x));
        assertTrue(e.getMessage().contains("bottom"), e.getMessage());
    }

    /**
     * The dispatch on the CPU: FAST takes the float mixing passes for channel mixing in FLOAT, the ops in DOUBLE;
     * ND4J_OPS the ops for anything.
     */
    @Test
    void choice() {
        PaddingModule depthwise = new PaddingModule.Builder().padding(1).build();
        PaddingModule mixing = new PaddingModule.Builder().padding(1).channelMixing(true).build();
        PaddingModule ops = new PaddingModule.Builder().padding(1).implementation(PaddingModule.Implementation.ND4J_OPS).build();
        assertTrue(Nd4j.getEnvironment().isCPU(), "these tests run on the CPU backend");
        assertSame(FloatDepthwisePasses.INSTANCE, PaddingPasses.choose(depthwise, DataType.FLOAT));
        assertSame(GeneralPasses.INSTANCE, PaddingPasses.choose(depthwise, DataType.DOUBLE));
        assertSame(FloatMixingPasses.INSTANCE, PaddingPasses.choose(mixing, DataType.FLOAT));
        assertSame(OpsPasses.INSTANCE, PaddingPasses.choose(mixing, DataType.DOUBLE));
        assertSame(OpsPasses.INSTANCE, PaddingPasses.choose(ops, DataType.FLOAT));
        assertSame(OpsPasses.INSTANCE, PaddingPasses.choose(ops, DataType.DOUBLE));
        PaddingModule java = new PaddingModule.Builder().padding(1).channelMixing(true)
                .implementation(PaddingModule.Implementation.JAVA).build();
        assertSame(GeneralPasses.INSTANCE, PaddingPasses.choose(java, DataType.FLOAT));
        java.setChannelMixing(false);
        assertSame(FloatDepthwisePasses.INSTANCE, PaddingPasses.choose(java, DataType.FLOAT));
    }

    /**
     * Inside {@code fit()} with DL4J's default workspaces, a network whose module runs ND4J_OPS trains like the same
     * network on the FAST Java passes (float, depthwise): the parameters of every layer after a few steps agree to
     * float rounding, and the JSON configuration keeps the choice.
     */
    @Test
    void trainsInFitLikeTheJavaPasses() {
        MultiLayerNetwork ops = PassesCases.net(new PaddingModule.Builder().padding(1, 2, 1, 1),
                PaddingModule.Implementation.ND4J_OPS);
        assertEquals(PaddingModule.Implementation.ND4J_OPS, ((PaddingModule) MultiLayerConfiguration
                .fromJson(ops.getLayerWiseConfigurations().toJson()).getConf(0).getLayer()).getImplementation());
        PassesCases.assertTrainsAlike(new PaddingModule.Builder().padding(1, 2, 1, 1),
                PaddingModule.Implementation.FAST, PaddingModule.Implementation.ND4J_OPS);
    }
}
