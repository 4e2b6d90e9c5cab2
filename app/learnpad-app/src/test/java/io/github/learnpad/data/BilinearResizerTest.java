package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BilinearResizerTest {

    @Test
    void constantImageStaysConstant() {
        float[] src = new float[2 * 28 * 28];
        java.util.Arrays.fill(src, 0, 784, 0.3f);
        java.util.Arrays.fill(src, 784, 1568, 0.7f);
        float[] out = BilinearResizer.resize(src, 2, 28, 28, 32, 32);
        for (int i = 0; i < 1024; i++) {
            assertEquals(0.3f, out[i], 0f);
            assertEquals(0.7f, out[1024 + i], 0f);
        }
    }

    @Test
    void sameSizeIsIdentity() {
        float[] src = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
        assertArrayEquals(src, BilinearResizer.resize(src, 1, 2, 3, 2, 3), 0f);
    }

    @Test
    void twoTimesUpsamplingOfKnownImage() {
        // [[a, b], [c, d]] -> each axis [p, .75p+.25q, .25p+.75q, q] (half-pixel centres, clamped borders).
        float a = 0f, b = 0.4f, c = 0.8f, d = 1f;
        float[] out = BilinearResizer.resize(new float[]{a, b, c, d}, 1, 2, 2, 4, 4);
        double[] wy = {0, 0.25, 0.75, 1};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                double top = a + wy[x] * (b - a);
                double bottom = c + wy[x] * (d - c);
                assertEquals(top + wy[y] * (bottom - top), out[y * 4 + x], 1e-7, "(" + y + "," + x + ")");
            }
        }
        assertEquals(0.75 * a + 0.25 * b, out[1], 1e-7);
        assertEquals(d, out[15], 0f);
    }

    @Test
    void linearRampIsReproducedAt28To32() {
        // Bilinear interpolation reproduces a linear function at the (clamped) sample positions.
        int in = 28;
        int out = 32;
        float[] src = new float[in * in];
        for (int y = 0; y < in; y++) {
            for (int x = 0; x < in; x++) {
                src[y * in + x] = (y * 10 + x) / 300f;
            }
        }
        float[] r = BilinearResizer.resize(src, 1, in, in, out, out);
        for (int y = 0; y < out; y++) {
            double sy = Math.min(in - 1, Math.max(0, (y + 0.5) * in / out - 0.5));
            for (int x = 0; x < out; x++) {
                double sx = Math.min(in - 1, Math.max(0, (x + 0.5) * in / out - 0.5));
                assertEquals((sy * 10 + sx) / 300.0, r[y * out + x], 1e-5, "(" + y + "," + x + ")");
            }
        }
    }

    @Test
    void twoTimesDownsamplingAveragesPairs() {
        // 4 -> 2: sample positions 0.5 and 2.5, i.e. the mean of pixel pairs.
        float[] out = BilinearResizer.resize(new float[]{0f, 0.2f, 0.6f, 1f}, 1, 1, 4, 1, 2);
        assertArrayEquals(new float[]{0.1f, 0.8f}, out, 1e-7f);
    }

    @Test
    void batchResizeMatchesPerImage() {
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 2, 5, 7);
        INDArray r = BilinearResizer.resize(x, 9, 4);
        assertArrayEquals(new long[]{3, 2, 9, 4}, r.shape());
        float[] one = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)).dup('c').data().asFloat();
        float[] exp = BilinearResizer.resize(one, 2, 5, 7, 9, 4);
        assertArrayEquals(exp, r.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)).dup('c').data().asFloat(), 0f);
    }
}
