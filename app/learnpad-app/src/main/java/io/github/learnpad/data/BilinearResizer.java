package io.github.learnpad.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Deterministic bilinear resampling of planar images (LearnPad resizes images to the model's input size; it never
 * pads them, so that the only padding a network sees is the one under study).
 *
 * <p>Pixel centres are aligned ("half-pixel" convention, as OpenCV {@code INTER_LINEAR} and PyTorch
 * {@code interpolate(mode="bilinear", align_corners=False)}): output pixel {@code y} samples the input at
 * {@code sy = (y + 0.5) * inH / outH - 0.5}, clamped to {@code [0, inH - 1]}, and likewise for columns; the value is the
 * bilinear blend of the four neighbouring input pixels, computed in double precision. Consequences: an image resized to
 * its own size is returned unchanged, a constant image stays constant, and 2x upsampling of a row {@code [a, b]} gives
 * {@code [a, 0.75a + 0.25b, 0.25a + 0.75b, b]}. There is no anti-aliasing filter: shrinking by more than 2x skips
 * input pixels (fine for the 28 to 32 or 32 to 64 changes LearnPad uses; pre-shrink large photographs yourself).
 */
public final class BilinearResizer {
    private BilinearResizer() {
    }

    /**
     * Resizes {@code channels} planes of {@code inH x inW} (layout {@code (C, H, W)}, row-major) to {@code outH x outW}.
     *
     * @return a new array of length {@code channels * outH * outW}
     */
    public static float[] resize(float[] src, int channels, int inH, int inW, int outH, int outW) {
        if (src.length != channels * inH * inW) {
            throw new IllegalArgumentException("source has " + src.length + " values, expected " + channels + "x" + inH + "x" + inW);
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + outH + "x" + outW);
        }
        float[] out = new float[channels * outH * outW];
        if (inH == outH && inW == outW) {
            System.arraycopy(src, 0, out, 0, src.length);
            return out;
        }
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        double[] fy = new double[outH];
        taps(inH, outH, y0, y1, fy);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        double[] fx = new double[outW];
        taps(inW, outW, x0, x1, fx);
        for (int c = 0; c < channels; c++) {
            int inBase = c * inH * inW;
            int outBase = c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = inBase + y0[y] * inW;
                int r1 = inBase + y1[y] * inW;
                double wy = fy[y];
                for (int x = 0; x < outW; x++) {
                    double top = src[r0 + x0[x]] + fx[x] * (src[r0 + x1[x]] - src[r0 + x0[x]]);
                    double bottom = src[r1 + x0[x]] + fx[x] * (src[r1 + x1[x]] - src[r1 + x0[x]]);
                    out[outBase + y * outW + x] = (float) (top + wy * (bottom - top));
                }
            }
        }
        return out;
    }

    /**
     * Resizes a batch {@code (N, C, H, W)} to {@code (N, C, outH, outW)} FLOAT.
     */
    public static INDArray resize(INDArray nchw, int outH, int outW) {
        if (nchw.rank() != 4) {
            throw new IllegalArgumentException("expected (N, C, H, W), got rank " + nchw.rank());
        }
        int n = (int) nchw.size(0);
        int c = (int) nchw.size(1);
        int h = (int) nchw.size(2);
        int w = (int) nchw.size(3);
        float[] all = nchw.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int inPer = c * h * w;
        int outPer = c * outH * outW;
        float[] out = new float[n * outPer];
        float[] one = new float[inPer];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, i * inPer, one, 0, inPer);
            System.arraycopy(resize(one, c, h, w, outH, outW), 0, out, i * outPer, outPer);
        }
        return Nd4j.create(out, new long[]{n, c, outH, outW}, 'c');
    }

    /** Resizes every image of a dataset; labels and class names are kept. */
    public static ImageDataset resize(ImageDataset data, int outH, int outW) {
        if (data.height() == outH && data.width() == outW) {
            return data;
        }
        return new ImageDataset(data.name(), resize(data.features(), outH, outW), data.labels(), data.classNames());
    }

    /** For each output index: the two input indices and the weight of the second (half-pixel centres, clamped). */
    private static void taps(int in, int out, int[] i0, int[] i1, double[] frac) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double s = (o + 0.5) * scale - 0.5;
            if (s < 0) {
                s = 0;
            }
            if (s > in - 1) {
                s = in - 1;
            }
            int lo = (int) Math.floor(s);
            int hi = Math.min(lo + 1, in - 1);
            i0[o] = lo;
            i1[o] = hi;
            frac[o] = s - lo;
        }
    }
}
