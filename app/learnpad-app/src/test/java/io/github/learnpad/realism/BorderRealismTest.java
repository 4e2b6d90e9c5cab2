package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images whose true extension is known: each mode is exact exactly where the maths says it must be. */
class BorderRealismTest {
    private static final List<PaddingMode> FIXED = List.of(PaddingMode.ZERO, PaddingMode.REFLECT,
            PaddingMode.REPLICATE, PaddingMode.CIRCULAR);

    private static BorderRealismResult fixed(INDArray x, int... bands) {
        return new BorderRealism(new BorderRealism.Options().bands(bands).modes(FIXED)).run("t", null, x);
    }

    private static double mse(BorderRealismResult r, int b, PaddingMode m) {
        return r.band(b).mode(m).region(BandRegions.OVERALL).mse().mean();
    }

    @Test
    void constantImages_replicateExact_zeroIsTheSquaredValue() {
        INDArray x = Nd4j.create(DataType.FLOAT, 3, 2, 10, 12);
        float[] v = {0.2f, 0.7f, 0.4f};
        for (int i = 0; i < 3; i++) {
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(v[i]);
        }
        BorderRealismResult r = fixed(x, 1, 3);
        for (int b : new int[]{1, 3}) {
            ModeResult rep = r.band(b).mode(PaddingMode.REPLICATE);
            for (RegionStats s : rep.regions()) {
                assertEquals(0.0, s.mse().mean(), 0.0, s.region());
                assertEquals(Psnr.MAX_DB, s.psnr().mean(), 0.0, s.region());
            }
            // Zero padding's per-image MSE is v^2 exactly; the mean over images is the mean of v^2.
            double expected = (0.04 + 0.49 + 0.16) / 3;
            assertEquals(expected, mse(r, b, PaddingMode.ZERO), 1e-7);
            double psnrMean = (Psnr.of(0.2f * 0.2f) + Psnr.of(0.7f * 0.7f) + Psnr.of(0.4f * 0.4f)) / 3;
            assertEquals(psnrMean, r.band(b).mode(PaddingMode.ZERO).region(BandRegions.OVERALL).psnr().mean(), 1e-4);
        }
    }

    /**
     * Period 4 along both axes, 16x16, band 2: the centre (12x12) is a multiple of the period, so wrapping it
     * reproduces the cut band exactly; replicate and reflect do not.
     */
    @Test
    void periodicImages_circularExact() {
        int p = 4, h = 16, w = 16, b = 2;
        Random rnd = new Random(1);
        INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, h, w);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                float[][] tile = new float[p][p];
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        tile[i][j] = rnd.nextFloat();
                    }
                }
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        x.putScalar(new long[]{n, c, i, j}, tile[i % p][j % p]);
                    }
                }
            }
        }
        BorderRealismResult r = fixed(x, b);
        for (RegionStats s : r.band(b).mode(PaddingMode.CIRCULAR).regions()) {
            assertEquals(0.0, s.mse().mean(), 0.0, s.region());
        }
        assertTrue(mse(r, b, PaddingMode.REPLICATE) > 1e-3);
        assertTrue(mse(r, b, PaddingMode.REFLECT) > 1e-3);
        assertTrue(mse(r, b, PaddingMode.ZERO) > 1e-3);
    }

    /** Random centre, band of zeros: zero padding is exact, nothing else is. */
    @Test
    void zeroBorder_zeroExact() {
        int h = 12, w = 14, b = 3;
        INDArray x = Nd4j.create(DataType.FLOAT, 4, 1, h, w);
        INDArray centre = Nd4j.rand(DataType.FLOAT, 4, 1, h - 2 * b, w - 2 * b).addi(0.1);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(b, h - b),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(b, w - b)).assign(centre);
        BorderRealismResult r = fixed(x, b);
        assertEquals(0.0, mse(r, b, PaddingMode.ZERO), 0.0);
        assertTrue(mse(r, b, PaddingMode.REPLICATE) > 1e-2);
        assertTrue(mse(r, b, PaddingMode.REFLECT) > 1e-2);
        assertTrue(mse(r, b, PaddingMode.CIRCULAR) > 1e-2);
    }

    /**
     * x[i][j] = f(i) + g(j) with f mirrored about the centre's edge rows (f(b-1-i) = f(b+1+i), likewise at the
     * bottom) and g likewise about the edge columns: reflect padding of the centre is exact, replicate is not.
     */
    @Test
    void symmetricAboutTheEdge_reflectExact() {
        int h = 15, w = 13, b = 3;
        Random rnd = new Random(2);
        INDArray x = Nd4j.create(DataType.FLOAT, 2, 2, h, w);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2; c++) {
                float[] f = mirrored(h, b, rnd);
                float[] g = mirrored(w, b, rnd);
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        x.putScalar(new long[]{n, c, i, j}, f[i] + g[j]);
                    }
                }
            }
        }
        BorderRealismResult r = fixed(x, b, 1);
        for (int band : new int[]{b}) {
            for (RegionStats s : r.band(band).mode(PaddingMode.REFLECT).regions()) {
                assertEquals(0.0, s.mse().mean(), 0.0, s.region());
            }
        }
        assertTrue(mse(r, b, PaddingMode.REPLICATE) > 1e-3);
        assertTrue(mse(r, b, PaddingMode.CIRCULAR) > 1e-3);
        // Band 1 cuts a different centre, whose edge is not a mirror axis: reflect is no longer exact.
        assertTrue(mse(r, 1, PaddingMode.REFLECT) > 1e-4);
    }

    private static float[] mirrored(int n, int b, Random rnd) {
        float[] f = new float[n];
        for (int i = b; i < n - b; i++) {
            f[i] = rnd.nextFloat() * 0.5f;
        }
        for (int i = 0; i < b; i++) {
            f[b - 1 - i] = f[b + 1 + i];
            f[n - b + i] = f[n - b - 2 - i];
        }
        return f;
    }

    /**
     * Linear ramps with random slopes: after a few hundred local-loss steps the learned module extrapolates them
     * (row0 = 2 row1 - row2), far better than replicate, which is off by the slope at ring 1.
     */
    @Test
    void ramps_learnedBeatsReplicateByFar() {
        Random rnd = new Random(3);
        INDArray train = ramps(64, 12, rnd);
        INDArray test = ramps(16, 12, rnd);
        BorderRealismResult r = new BorderRealism(new BorderRealism.Options().bands(1, 2)
                .modes(List.of(PaddingMode.REPLICATE, PaddingMode.LEARNED)).steps(300).batchSize(16).learningRate(0.03).seed(5))
                .run("ramps", train, test);
        for (int b : new int[]{1, 2}) {
            double learned = mse(r, b, PaddingMode.LEARNED);
            double replicate = mse(r, b, PaddingMode.REPLICATE);
            assertTrue(learned < 0.02 * replicate, "band " + b + ": learned " + learned + " replicate " + replicate);
            assertTrue(r.band(b).fit().lossAfter() < 0.02 * r.band(b).fit().lossBefore(), r.band(b).fit().toString());
            // The paired difference is the difference of the means, and clearly positive here.
            MeanCi vs = r.band(b).mode(PaddingMode.REPLICATE).vsLearned();
            assertEquals(replicate - learned, vs.mean(), 1e-12);
            assertTrue(vs.lo() > 0, vs.toString());
        }
    }

    /** REFLECT cannot pad a 4-pixel centre by 6: the error names the problem instead of DL4J's. */
    @Test
    void reflectWiderThanTheCentre_isRefusedWithAReason() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1, 16, 16);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BorderRealism(new BorderRealism.Options().bands(6).modes(List.of(PaddingMode.REFLECT)))
                        .run("t", null, x));
        assertTrue(e.getMessage().contains("narrower band"), e.getMessage());
    }

    static INDArray ramps(int n, int size, Random rnd) {
        INDArray x = Nd4j.create(DataType.FLOAT, n, 1, size, size);
        for (int k = 0; k < n; k++) {
            // Slopes ~ N(0, 0.1) per pixel (values leave [0, 1]; only MSE is asserted). Gentler slopes make the
            // local-loss problem ill-conditioned (rows nearly equal) and Adam then needs thousands of steps.
            double a = rnd.nextDouble();
            double u = rnd.nextGaussian() * 0.1;
            double v = rnd.nextGaussian() * 0.1;
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    x.putScalar(new long[]{k, 0, i, j}, a + u * (i - size / 2.0) + v * (j - size / 2.0));
                }
            }
        }
        return x;
    }
}
