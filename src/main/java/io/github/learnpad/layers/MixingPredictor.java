package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * One side's channel-mixing predictor as {@link FloatMixingPasses} reads it: its weights as matrices for ND4J's GEMM,
 * and the products around the GEMMs (the taps' clamped shifts and their adjoint) in Java over heap arrays. Per
 * training step the weights are read once ({@link PredictorWeights#derived}); the native matrices live in the current
 * workspace, for one pass.
 */
final class MixingPredictor {
    /**
     * From this many weights per side on, the weights and their gradient are rearranged by ND4J ops, natively: for
     * wide layers their round trips through the heap cost more than the side's GEMMs (docs/benchmarks.md). Below it, by Java loops: an ND4J op's fixed cost dominates there. Copies either way, so
     * the results are the same.
     */
    static final long NATIVE_REARRANGE = 1 << 18;
    final int c;
    final int k;
    final int w;
    final float[] bias;
    private final PredictorWeights weights;
    private final Side side;
    /** The weights in parameter order {@code (C, C, k, w)}, FLOAT. */
    private final INDArray weight;
    private final boolean nativeRearrange;
    /**
     * {@code Ws (w·C, C·k)}, {@code Ws[u·C + o, c·k + d] = W[o, c, d, u]}, as a native matrix for the GEMMs (in the
     * current workspace), made at first use.
     */
    private INDArray stacked;

    /**
     * Side s's predictor, its weights rearranged natively from {@code nativeFrom} weights on (see
     * {@link #NATIVE_REARRANGE}).
     */
    MixingPredictor(PaddingModule conf, PredictorWeights weights, Side s, long nativeFrom) {
        c = (int) conf.getNChannels();
        k = conf.getContextDepth();
        w = conf.getKernelWidth();
        this.weights = weights;
        side = s;
        INDArray p = weights.params.get(s.weightKey());
        weight = (p.dataType() == DataType.FLOAT && ArrayAccess.isFlat(p) ? p : p.castTo(DataType.FLOAT).dup('c'))
                .reshape('c', c, c, k, w);
        nativeRearrange = weight.length() >= nativeFrom;
        bias = weights.derived("FloatMixingPasses bias " + s, () -> floats(weights.params.get(s.biasKey())));
    }

    /** Side s's weights stacked by tap on the heap, read once per step (Java loops: small predictors). */
    private static float[] stack(INDArray weight, int c, int k, int w) {
        float[] wt = Scratch.read(weight, Scratch.get().weights((int) weight.length()));
        float[] stacked = new float[(int) weight.length()];
        // Written in order (the reads step by w).
        int ock = c * c * k;
        for (int u = 0, i = 0; u < w; u++) {
            for (int oc = 0; oc < ock; oc++, i++) {
                stacked[i] = wt[oc * w + u];
            }
        }
        return stacked;
    }

    private INDArray stacked(Scratch sc) {
        if (stacked == null) {
            stacked = nativeRearrange ? weight.permute(3, 0, 1, 2).dup('c').reshape('c', (long) w * c, (long) c * k)
                    : sc.matrix((long) w * c, (long) c * k,
                    weights.derived("FloatMixingPasses stacked " + side, () -> stack(weight, c, k, w)));
        }
        return stacked;
    }

    /** {@code Q = Ws × B}, {@code (w·C, cols)}, for a band {@code B (C·k, cols)}, on the heap. */
    float[] taps(float[] band, int cols, Scratch sc) {
        INDArray b = sc.matrix((long) c * k, cols, band);
        INDArray q = Nd4j.gemm(stacked(sc), b, false, false);
        return Scratch.read(q, sc.taps(w * c * cols));
    }

    /**
     * {@code p[o, n·L + j] = b[o] + sum_u Q[u·C + o, at + n·L + clamp(j + u - w/2)]}: the prediction of n lines of
     * length L whose band started at column {@code at} of {@link #taps}' product ({@code cols} columns).
     */
    void predict(float[] q, int cols, int at, int len, int n, float[] p) {
        int nl = n * len, half = w / 2;
        boolean three = SidePredictor.width3(w, len);
        for (int o = 0; o < c; o++) {
            float b = bias[o];
            for (int s = 0; s < n; s++) {
                int dst = o * nl + s * len, q0 = o * cols + at + s * len, q1 = q0 + c * cols, q2 = q1 + c * cols;
                if (three) {
                    // One pass: p[j] = b + Q0[j-1] + Q1[j] + Q2[j+1], the ends clamped.
                    p[dst] = b + q[q0] + q[q1] + q[q2 + 1];
                    for (int j = 1; j < len - 1; j++) {
                        p[dst + j] = b + q[q0 + j - 1] + q[q1 + j] + q[q2 + j + 1];
                    }
                    p[dst + len - 1] = b + q[q0 + len - 2] + q[q1 + len - 1] + q[q2 + len - 1];
                    continue;
                }
                Arrays.fill(p, dst, dst + len, b);
                for (int u = 0; u < w; u++) {
                    int off = u - half, src = (u * c + o) * cols + at + s * len;
                    int lo = Math.min(len, Math.max(0, -off)), hi = Math.max(lo, Math.min(len, len - off));
                    for (int j = lo; j < hi; j++) {
                        p[dst + j] += q[src + j + off];
                    }
                    for (int j = 0; j < lo; j++) {
                        p[dst + j] += q[src];
                    }
                    for (int j = hi; j < len; j++) {
                        p[dst + j] += q[src + len - 1];
                    }
                }
            }
        }
    }

    /**
     * The prediction's gradient {@code g (C, N·L)} passed back through each tap's clamped shift, stacked by tap:
     * {@code G'[u·C + o, n·L + m] = sum over j with clamp(j + u - w/2) = m of g[o, n·L + j]}, {@code (w·C, N·L)},
     * as a native matrix for the GEMMs.
     */
    INDArray adjointShifts(float[] g, int len, int n, Scratch sc) {
        int nl = n * len, half = w / 2;
        float[] out = sc.taps(w * c * nl);
        for (int o = 0; o < c; o++) {
            for (int u = 0; u < w; u++) {
                int off = u - half;
                // Position m receives g[m - off] where 0 <= m - off < len, plus, at the ends, what the
                // clamped reads sent there.
                int lo = Math.min(len, Math.max(0, -off)), hi = Math.max(lo, Math.min(len, len - off));
                for (int s = 0; s < n; s++) {
                    int src = o * nl + s * len, dst = (u * c + o) * nl + s * len;
                    // The positions no in-range read lands on (the window may be wider than the line).
                    Arrays.fill(out, dst + Math.max(0, Math.min(len, len + off)), dst + len, 0f);
                    Arrays.fill(out, dst, dst + Math.min(len, Math.max(0, off)), 0f);
                    if (hi > lo) {
                        System.arraycopy(g, src + lo, out, dst + lo + off, hi - lo);
                    }
                    for (int j = 0; j < lo; j++) {
                        out[dst] += g[src + j];
                    }
                    for (int j = hi; j < len; j++) {
                        out[dst + len - 1] += g[src + j];
                    }
                }
            }
        }
        return sc.matrix((long) w * c, nl, out);
    }

    /** {@code Ws^T × G'}: the band's gradient {@code (C·k, N·L)}. */
    float[] bandGradient(INDArray shifted, int nl, Scratch sc) {
        INDArray gb = Nd4j.gemm(stacked(sc), shifted, true, false);
        return Scratch.read(gb, sc.band(c * k * nl));
    }

    /**
     * Writes {@code G' × B^T} into {@code target} (shaped like the weights), in the parameters' order
     * {@code (C, C, k, w)}, for the prediction's gradient through the taps' adjoint shifts {@code G' (w·C, N·L)} and
     * the band it was predicted from, {@code B (C·k, N·L)}.
     */
    void weightGradient(INDArray shifted, INDArray band, Scratch sc, INDArray target) {
        INDArray dws = Nd4j.gemm(shifted, band, false, true);
        if (nativeRearrange || target.dataType() != DataType.FLOAT || !ArrayAccess.isFlat(target)) {
            target.assign(dws.reshape('c', w, c, c, k).permute(1, 2, 3, 0).reshape(target.shape()));
            return;
        }
        int size = w * c * c * k, ock = c * c * k;
        float[] from = Scratch.read(dws, sc.weights(size));
        float[] dw = sc.weightGradient(size);
        // Written in order (the reads come from w streams).
        for (int oc = 0, i = 0; oc < ock; oc++) {
            for (int u = 0; u < w; u++, i++) {
                dw[i] = from[u * ock + oc];
            }
        }
        FloatBuffer f = buffer(target);
        f.put(f.position(), dw, 0, size);
    }

    /** {@code a}'s elements in c order as floats. */
    static float[] floats(INDArray a) {
        INDArray b = a.dataType() == DataType.FLOAT && ArrayAccess.isFlat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
        return Scratch.read(b, new float[(int) b.length()]);
    }

    /** The buffer of a FLOAT array, positioned at its first element. */
    static FloatBuffer buffer(INDArray a) {
        return a.data().asNioFloat();
    }

    /**
     * Heap buffers for the matrices on their way to and from the GEMMs, per thread and reused from call to call
     * (contents undefined; at least the size asked for): fresh arrays of a megabyte or more per call were a
     * noticeable share of a step.
     */
    static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        private float[] band = new float[0];
        private float[] taps = new float[0];
        private float[] weights = new float[0];
        private float[] weightGradient = new float[0];
        /** Arrays a pass keeps for its whole length (edges, rings, gradients), handed out in order by {@link #take}. */
        private final java.util.List<float[]> pool = new java.util.ArrayList<>();
        private int taken;

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** Starts a pass: every array {@link #take} handed out before may be handed out again. */
        Scratch reset() {
            taken = 0;
            return this;
        }

        /** An array of at least {@code size} elements for the rest of the pass (contents undefined). */
        float[] take(int size) {
            if (taken == pool.size()) {
                pool.add(new float[size]);
            } else if (pool.get(taken).length < size) {
                pool.set(taken, new float[size]);
            }
            return pool.get(taken++);
        }

        float[] band(int size) {
            return band = fit(band, size);
        }

        float[] taps(int size) {
            return taps = fit(taps, size);
        }

        float[] weights(int size) {
            return weights = fit(weights, size);
        }

        float[] weightGradient(int size) {
            return weightGradient = fit(weightGradient, size);
        }

        private static float[] fit(float[] a, int size) {
            return a.length >= size ? a : new float[size];
        }

        /**
         * A native {@code (rows, cols)} matrix holding {@code data[0 .. rows·cols)} (in the current workspace, if
         * any).
         */
        INDArray matrix(long rows, long cols, float[] data) {
            INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[]{rows, cols}, 'c');
            FloatBuffer fb = buffer(a);
            fb.put(fb.position(), data, 0, (int) (rows * cols));
            return a;
        }

        /** {@code a}'s elements in c order read into {@code dst[0 .. a.length())}. */
        static float[] read(INDArray a, float[] dst) {
            if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
                a = a.dup('c');
            }
            FloatBuffer fb = buffer(a);
            fb.get(fb.position(), dst, 0, (int) a.length());
            return dst;
        }
    }
}
