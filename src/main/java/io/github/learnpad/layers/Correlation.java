package io.github.learnpad.layers;

import java.util.Arrays;

/**
 * The clamped 1-D correlation, the primitive of the general passes ({@link GeneralPasses}): one row of a canonical
 * strip predicted from the k rows inside it, its transpose and its weight gradient. Package-private: part of the Padding Module's internals ({@link BorderPredictor} states the maths).
 */
final class Correlation {
    private Correlation() {
    }

    // =================================================================================================================
    // The primitive: predict row i of a canonical strip A (N, C, rows, L) from rows i+1 .. i+k.

    /** {@code A[n, c, i, :] = p} computed from {@code A[n, :, i+1 .. i+k, :]}. */
    static void predictRow(double[] a, int n, int rows, int len, int i, SidePredictor kn, double[] into, int intoRows, int intoRow) {
        int cN = kn.channels;
        int k = kn.k;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int dst = ((b * cN + o) * intoRows + intoRow) * len;
                java.util.Arrays.fill(into, dst, dst + len, kn.bias[o]);
                for (int c = kn.firstInput(o); c < kn.endInput(o); c++) {
                    for (int d = 0; d < k; d++) {
                        int src = ((b * cN + c) * rows + i + 1 + d) * len;
                        taps(a, src, len, kn.weight, kn.weightIndex(o, c, d), kn.w, into, dst);
                    }
                }
            }
        }
    }

    /** Adds {@code W^T g} to rows i+1..i+k of {@code gA}, where g is the gradient of row i's prediction. */
    static void predictRowBackward(double[] g, int gRows, int gRow, int n, int rows, int len, int i, SidePredictor kn, double[] gA) {
        int cN = kn.channels;
        int k = kn.k;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int gBase = ((b * cN + o) * gRows + gRow) * len;
                for (int c = kn.firstInput(o); c < kn.endInput(o); c++) {
                    for (int d = 0; d < k; d++) {
                        int dst = ((b * cN + c) * rows + i + 1 + d) * len;
                        tapsBackward(g, gBase, len, kn.weight, kn.weightIndex(o, c, d), kn.w, gA, dst);
                    }
                }
            }
        }
    }

    /**
     * Accumulates the weight/bias gradient of row 0's prediction from rows 1..k, for the residual gradient g, into
     * {@code dW[wOff ..]} and {@code dB[bOff ..]} (laid out like the kernel's weight and bias).
     */
    static void predictRowWeightGrad(double[] a, int n, int rows, int len, SidePredictor kn, double[] g, double[] dW, int wOff,
                                     double[] dB, int bOff) {
        int cN = kn.channels;
        int k = kn.k;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int gBase = (b * cN + o) * len;
                double s = 0;
                for (int j = 0; j < len; j++) {
                    s += g[gBase + j];
                }
                dB[bOff + o] += s;
                for (int c = kn.firstInput(o); c < kn.endInput(o); c++) {
                    for (int d = 0; d < k; d++) {
                        int src = ((b * cN + c) * rows + 1 + d) * len;
                        tapsWeightGrad(a, src, len, g, gBase, kn.w, dW, wOff + kn.weightIndex(o, c, d));
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------------------
    // One row's taps: the inner loops, where the layer spends its time. The window width w = 3 (the default) has
    // straight-line loops, which the JIT keeps in registers (faster than the general loops: docs/benchmarks.md); any
    // other w takes the general loops, which clamp each position. FloatDepthwisePasses has the same three functions on
    // float planes with an index step: float and double arrays share no code in Java without a per-element cost.

    /** {@code out[o + j] += sum_u wt[wi + u] * x[s + clamp(j + u - w/2)]} for {@code j < len}. */
    static void taps(double[] x, int s, int len, double[] wt, int wi, int w, double[] out, int o) {
        if (SidePredictor.width3(w, len)) {
            double w0 = wt[wi], w1 = wt[wi + 1], w2 = wt[wi + 2];
            out[o] += (w0 + w1) * x[s] + w2 * x[s + 1];
            for (int j = 1; j < len - 1; j++) {
                out[o + j] += w0 * x[s + j - 1] + w1 * x[s + j] + w2 * x[s + j + 1];
            }
            out[o + len - 1] += w0 * x[s + len - 2] + (w1 + w2) * x[s + len - 1];
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            double c = wt[wi + u];
            for (int j = 0; j < len; j++) {
                out[o + j] += c * x[s + clamp(j + u - h, len)];
            }
        }
    }

    /** The transpose of {@link #taps}: {@code gx[s + m] += sum over (j, u) with clamp(j + u - w/2) = m of wt[wi + u] * g[gi + j]}. */
    static void tapsBackward(double[] g, int gi, int len, double[] wt, int wi, int w, double[] gx, int s) {
        if (SidePredictor.width3(w, len)) {
            double w0 = wt[wi], w1 = wt[wi + 1], w2 = wt[wi + 2];
            gx[s] += w0 * (g[gi] + g[gi + 1]) + w1 * g[gi];
            for (int m = 1; m < len - 1; m++) {
                gx[s + m] += w0 * g[gi + m + 1] + w1 * g[gi + m] + w2 * g[gi + m - 1];
            }
            gx[s + len - 1] += w2 * (g[gi + len - 2] + g[gi + len - 1]) + w1 * g[gi + len - 1];
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            double c = wt[wi + u];
            for (int j = 0; j < len; j++) {
                gx[s + clamp(j + u - h, len)] += c * g[gi + j];
            }
        }
    }

    /** The weight gradient of {@link #taps}: {@code dW[di + u] += sum_j g[gi + j] * x[s + clamp(j + u - w/2)]}. */
    static void tapsWeightGrad(double[] x, int s, int len, double[] g, int gi, int w, double[] dW, int di) {
        if (SidePredictor.width3(w, len)) {
            // Three independent sums: one running sum would wait on the adder's latency at every step.
            double s0 = g[gi] * x[s], s1 = g[gi] * x[s], s2 = g[gi] * x[s + 1];
            for (int j = 1; j < len - 1; j++) {
                double gj = g[gi + j];
                s0 += gj * x[s + j - 1];
                s1 += gj * x[s + j];
                s2 += gj * x[s + j + 1];
            }
            double gl = g[gi + len - 1];
            dW[di] += s0 + gl * x[s + len - 2];
            dW[di + 1] += s1 + gl * x[s + len - 1];
            dW[di + 2] += s2 + gl * x[s + len - 1];
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            int off = u - h;
            double acc = 0;
            for (int j = 0; j < len; j++) {
                acc += g[gi + j] * x[s + clamp(j + off, len)];
            }
            dW[di + u] += acc;
        }
    }

    /** {@code j} clamped into {@code [0, len)}: positions past the ends of a border replicate its end values. */
    static int clamp(int j, int len) {
        return j < 0 ? 0 : (j >= len ? len - 1 : j);
    }
}
