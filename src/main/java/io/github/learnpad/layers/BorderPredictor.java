package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import io.github.learnpad.layers.PaddingModule.Side;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;

/**
 * The maths of the Padding Module, with explicit gradients: the one file to read to know what the layer computes.
 *
 * <h2>Notation</h2>
 * Input {@code x} is {@code (N, C, H, W)}; padding {@code (t, b, l, r)}; output {@code y} is
 * {@code (N, C, Ho, Wo) = (N, C, H+t+b, W+l+r)} with {@code y[:, :, t:t+H, l:l+W] = x}.
 * Each padded side s has a predictor with context depth k and window width w (odd, half-width {@code h = w/2}):
 * <ul>
 *   <li>depthwise: weights {@code Ws (C, k, w)}, bias {@code bs (C)}:
 *       {@code p[n,c,j] = bs[c] + sum_{d<k, u<w} Ws[c,d,u] * R[n, c, d, clamp(j+u-h)]}</li>
 *   <li>channel mixing: weights {@code Ws (C, C, k, w)}:
 *       {@code p[n,o,j] = bs[o] + sum_{c, d<k, u<w} Ws[o,c,d,u] * R[n, c, d, clamp(j+u-h)]}</li>
 * </ul>
 * where {@code R[n, c, d, j]} is the map seen from side s ("canonical orientation"): {@code d} counts rows (for
 * top/bottom) or columns (for left/right) inward from the border, {@code d = 0} being the row/column that touches
 * the new one, and {@code j} runs along the border ({@code L} = its length). Positions past the ends of the border
 * are clamped (replicated), so a constant map gives a constant prediction whenever the weights sum to one.
 *
 * <h2>Order: rows first, ring by ring</h2>
 * The top side is padded ring by ring: ring 1 (the row just outside) is predicted from input rows 0..k-1, ring 2
 * from ring 1 and rows 0..k-2, and so on, with the same weights. Then the bottom, likewise. Then the left and the
 * right sides, ring by ring, over the row-extended map (length {@code L = Ho}): the corners are predicted by the
 * column predictors from the predicted rows.
 *
 * <h2>Local loss (training only)</h2>
 * For each padded side whose axis has at least k+1 rows/columns, the target is the outermost input row/column
 * ({@code R[.., 0, ..]} of the input {@code x}, length H or W) and the predictor input the k inside it
 * ({@code R[.., 1..k, ..]}): {@code loss_s = mean_{n,c,j} (p - target)^2} (or {@code |p - target|} for L1). The
 * module's local loss is the mean of {@code loss_s} over those sides. Its gradient goes to the predictor's weights
 * and biases only: the input is treated as a constant (stop-gradient), so the local loss never reaches earlier layers.
 *
 * <h2>Main-loss gradient</h2>
 * {@code dL/dx} is the interior of {@code dL/dy} plus, when border gradients are on, what flows back through the
 * predicted rings (the predictor weights treated as constants: the main loss never changes them).
 *
 * <h2>Maps too small for the context</h2>
 * If a side's axis has fewer than k rows/columns (H for top/bottom, W for left/right), that side is replicate
 * padded (the predictor is replaced by a copy of the edge), with a one-time warning; with fewer than k+1 no
 * training pair exists and that side's predictor gets no local-loss gradient for that batch.
 *
 * <p>Hand-written in plain Java loops on the thin border strips (a few hundred thousand multiply-adds for a
 * (32, 64, 32, 32) input): a SameDiff graph of the same maths (see {@link PaddingModuleGraph}, the reference) spends
 * ~50x longer in per-op overhead than the arithmetic costs.
 */
public final class BorderPredictor {
    private static final Logger log = LoggerFactory.getLogger(BorderPredictor.class);
    private static volatile boolean warnedSmall = false;

    private BorderPredictor() {
    }

    /** One side's predictor: weights, bias and geometry, weights flattened in c order. */
    static final class Kernel {
        final int channels;
        final int k;
        final int w;
        final boolean mixing;
        final double[] weight;
        final double[] bias;

        Kernel(int channels, int k, int w, boolean mixing, double[] weight, double[] bias) {
            this.channels = channels;
            this.k = k;
            this.w = w;
            this.mixing = mixing;
            this.weight = weight;
            this.bias = bias;
        }

        /** The replicate-padding kernel (k = 1, w = 1, weight 1): the fallback for too-small maps. */
        static Kernel replicate(int channels) {
            double[] wt = new double[channels];
            java.util.Arrays.fill(wt, 1.0);
            return new Kernel(channels, 1, 1, false, wt, new double[channels]);
        }

        static Kernel of(PaddingModule conf, Map<String, INDArray> params, Side s) {
            return new Kernel((int) conf.getNChannels(), conf.getContextDepth(), conf.getKernelWidth(),
                    conf.isChannelMixing(), params.get(s.weightKey()).dup('c').data().asDouble(),
                    params.get(s.biasKey()).dup('c').data().asDouble());
        }
    }

    // =================================================================================================================
    // The primitive: predict row i of a canonical strip A (N, C, rows, L) from rows i+1 .. i+k.

    /** {@code A[n, c, i, :] = p} computed from {@code A[n, :, i+1 .. i+k, :]}. */
    static void predictRow(double[] a, int n, int rows, int len, int i, Kernel kn, double[] into, int intoRows, int intoRow) {
        int cN = kn.channels;
        int k = kn.k;
        int w = kn.w;
        int h = w / 2;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int dst = ((b * cN + o) * intoRows + intoRow) * len;
                java.util.Arrays.fill(into, dst, dst + len, kn.bias[o]);
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
                    for (int d = 0; d < k; d++) {
                        int src = ((b * cN + c) * rows + i + 1 + d) * len;
                        int wBase = kn.mixing ? ((o * cN + c) * k + d) * w : (o * k + d) * w;
                        for (int u = 0; u < w; u++) {
                            double wt = kn.weight[wBase + u];
                            if (wt == 0.0) {
                                continue;
                            }
                            int off = u - h;
                            for (int j = 0; j < len; j++) {
                                into[dst + j] += wt * a[src + clamp(j + off, len)];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds {@code W^T g} to rows i+1..i+k of {@code gA}, where g is the gradient of row i's prediction. */
    static void predictRowBackward(double[] g, int gRows, int gRow, int n, int rows, int len, int i, Kernel kn, double[] gA) {
        int cN = kn.channels;
        int k = kn.k;
        int w = kn.w;
        int h = w / 2;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int gBase = ((b * cN + o) * gRows + gRow) * len;
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
                    for (int d = 0; d < k; d++) {
                        int dst = ((b * cN + c) * rows + i + 1 + d) * len;
                        int wBase = kn.mixing ? ((o * cN + c) * k + d) * w : (o * k + d) * w;
                        for (int u = 0; u < w; u++) {
                            double wt = kn.weight[wBase + u];
                            if (wt == 0.0) {
                                continue;
                            }
                            int off = u - h;
                            for (int j = 0; j < len; j++) {
                                gA[dst + clamp(j + off, len)] += wt * g[gBase + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Accumulates the weight/bias gradient of row 0's prediction from rows 1..k, for the residual gradient g. */
    static void predictRowWeightGrad(double[] a, int n, int rows, int len, Kernel kn, double[] g, double[] dW, double[] dB) {
        int cN = kn.channels;
        int k = kn.k;
        int w = kn.w;
        int h = w / 2;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int gBase = (b * cN + o) * len;
                double s = 0;
                for (int j = 0; j < len; j++) {
                    s += g[gBase + j];
                }
                dB[o] += s;
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
                    for (int d = 0; d < k; d++) {
                        int src = ((b * cN + c) * rows + 1 + d) * len;
                        int wBase = kn.mixing ? ((o * cN + c) * k + d) * w : (o * k + d) * w;
                        for (int u = 0; u < w; u++) {
                            int off = u - h;
                            double acc = 0;
                            for (int j = 0; j < len; j++) {
                                acc += g[gBase + j] * a[src + clamp(j + off, len)];
                            }
                            dW[wBase + u] += acc;
                        }
                    }
                }
            }
        }
    }

    private static int clamp(int j, int len) {
        return j < 0 ? 0 : (j >= len ? len - 1 : j);
    }

    // =================================================================================================================
    // Moving strips between INDArrays (N, C, H, W) and canonical double[] (N, C, rows, L).

    /** Index into the map for side s: the {@code depth} rows/columns nearest the border of the region. */
    private static INDArrayIndex[] strip(Side s, int depth, long rowFrom, long rowTo, long colFrom, long colTo) {
        switch (s) {
            case TOP: return idx(NDArrayIndex.interval(rowFrom, rowFrom + depth), NDArrayIndex.interval(colFrom, colTo));
            case BOTTOM: return idx(NDArrayIndex.interval(rowTo - depth, rowTo), NDArrayIndex.interval(colFrom, colTo));
            case LEFT: return idx(NDArrayIndex.interval(rowFrom, rowTo), NDArrayIndex.interval(colFrom, colFrom + depth));
            default: return idx(NDArrayIndex.interval(rowFrom, rowTo), NDArrayIndex.interval(colTo - depth, colTo));
        }
    }

    private static INDArrayIndex[] idx(INDArrayIndex rows, INDArrayIndex cols) {
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.all(), rows, cols};
    }

    /**
     * Copies block {@code (N, C, bh, bw)} (c order) of side s into canonical rows {@code [at, at+depth)} of
     * {@code dst (N, C, rows, L)}; canonical row {@code at} is the row/column nearest the border.
     */
    private static void toCanonical(double[] blk, int n, int c, int bh, int bw, Side s, double[] dst, int rows, int at) {
        int depth = s.isRow() ? bh : bw;
        int len = s.isRow() ? bw : bh;
        boolean near = s == Side.TOP || s == Side.LEFT;
        for (int nc = 0; nc < n * c; nc++) {
            for (int e = 0; e < depth; e++) {
                int q = near ? e : depth - 1 - e;
                int d0 = (nc * rows + at + e) * len;
                if (s.isRow()) {
                    System.arraycopy(blk, (nc * bh + q) * bw, dst, d0, len);
                } else {
                    int b0 = nc * bh * bw + q;
                    for (int j = 0; j < len; j++) {
                        dst[d0 + j] = blk[b0 + j * bw];
                    }
                }
            }
        }
    }

    /** The inverse of {@link #toCanonical}: canonical rows {@code [at, at+depth)} back to a block. */
    private static double[] fromCanonical(double[] src, int n, int c, int rows, int at, int depth, int len, Side s) {
        int bh = s.isRow() ? depth : len;
        int bw = s.isRow() ? len : depth;
        double[] blk = new double[n * c * bh * bw];
        boolean near = s == Side.TOP || s == Side.LEFT;
        for (int nc = 0; nc < n * c; nc++) {
            for (int e = 0; e < depth; e++) {
                int q = near ? e : depth - 1 - e;
                int s0 = (nc * rows + at + e) * len;
                if (s.isRow()) {
                    System.arraycopy(src, s0, blk, (nc * bh + q) * bw, len);
                } else {
                    int b0 = nc * bh * bw + q;
                    for (int j = 0; j < len; j++) {
                        blk[b0 + j * bw] = src[s0 + j];
                    }
                }
            }
        }
        return blk;
    }

    private static double[] read(INDArray view) {
        return view.dup('c').data().asDouble();
    }

    private static INDArray array(double[] data, long[] shape, DataType dt) {
        if (dt == DataType.DOUBLE) {
            return Nd4j.create(data, shape, 'c');
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        INDArray a = Nd4j.create(f, shape, 'c');
        return dt == DataType.FLOAT ? a : a.castTo(dt);
    }

    // =================================================================================================================
    // Forward, backward and local loss of the whole module.

    /** Geometry of one padding step (one side, all its rings). */
    private static final class Step {
        final Side side;
        final int p;
        final Kernel kernel;
        final int len;
        // Region of the (partially padded) output this side reads its context from: [rowFrom, rowTo) x [colFrom, colTo)
        final long rowFrom, rowTo, colFrom, colTo;

        Step(Side side, int p, Kernel kernel, int len, long rowFrom, long rowTo, long colFrom, long colTo) {
            this.side = side;
            this.p = p;
            this.kernel = kernel;
            this.len = len;
            this.rowFrom = rowFrom;
            this.rowTo = rowTo;
            this.colFrom = colFrom;
            this.colTo = colTo;
        }

        /** Where this side's new rings go in the output. */
        INDArrayIndex[] padRegion() {
            switch (side) {
                case TOP: return idx(NDArrayIndex.interval(rowFrom - p, rowFrom), NDArrayIndex.interval(colFrom, colTo));
                case BOTTOM: return idx(NDArrayIndex.interval(rowTo, rowTo + p), NDArrayIndex.interval(colFrom, colTo));
                case LEFT: return idx(NDArrayIndex.interval(rowFrom, rowTo), NDArrayIndex.interval(colFrom - p, colFrom));
                default: return idx(NDArrayIndex.interval(rowFrom, rowTo), NDArrayIndex.interval(colTo, colTo + p));
            }
        }

        INDArrayIndex[] contextRegion() {
            return strip(side, kernel.k, rowFrom, rowTo, colFrom, colTo);
        }
    }

    /** The padding steps in order (top, bottom, left, right), with the kernel each uses (fallback included). */
    private static Step[] plan(PaddingModule conf, Map<String, INDArray> params, long h, long w, String layerName) {
        int t = conf.getTop(), b = conf.getBottom(), l = conf.getLeft(), r = conf.getRight();
        Step[] steps = new Step[4];
        int i = 0;
        for (Side s : Side.values()) {
            int p = conf.amount(s);
            if (p == 0) {
                continue;
            }
            long axis = s.isRow() ? h : w;
            Kernel kn;
            if (axis < conf.getContextDepth()) {
                warnSmall(layerName, s, axis, conf.getContextDepth());
                kn = Kernel.replicate((int) conf.getNChannels());
            } else {
                kn = Kernel.of(conf, params, s);
            }
            if (s.isRow()) {
                steps[i++] = new Step(s, p, kn, (int) w, t, t + h, l, l + w);
            } else {
                // Columns are predicted over the row-extended map.
                steps[i++] = new Step(s, p, kn, (int) (h + t + b), 0, h + t + b, l, l + w);
            }
        }
        return java.util.Arrays.copyOf(steps, i);
    }

    private static void warnSmall(String layer, Side s, long axis, int k) {
        if (!warnedSmall) {
            warnedSmall = true;
            log.warn("PaddingModule {}: the input's {} is {}, smaller than the predictor's context depth k={}; the {} "
                            + "side is replicate padded for such inputs (warned once)", layer,
                    s.isRow() ? "height" : "width", axis, k, s.key());
        }
    }

    /**
     * Forward pass: pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)}, which the caller allocates
     * (e.g. in a DL4J workspace); every element of {@code out} is written.
     */
    public static void forward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out, String layerName) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int t = conf.getTop(), l = conf.getLeft();
        out.get(idx(NDArrayIndex.interval(t, t + h), NDArrayIndex.interval(l, l + w))).assign(x);
        for (Step st : plan(conf, params, h, w, layerName)) {
            int k = st.kernel.k;
            int rows = st.p + k;
            double[] r = new double[(int) (n * c * rows * st.len)];
            INDArray ctx = out.get(st.contextRegion());
            toCanonical(read(ctx), (int) n, (int) c, (int) ctx.size(2), (int) ctx.size(3), st.side, r, rows, st.p);
            for (int ring = 1; ring <= st.p; ring++) {
                int i = st.p - ring;
                predictRow(r, (int) n, rows, st.len, i, st.kernel, r, rows, i);
            }
            double[] blk = fromCanonical(r, (int) n, (int) c, rows, 0, st.p, st.len, st.side);
            INDArray pad = out.get(st.padRegion());
            pad.assign(array(blk, pad.shape(), out.dataType()));
        }
    }

    /**
     * Main-loss backward pass: {@code dL/dx (N, C, H, W)} from {@code eps = dL/dy}. The predictor weights are
     * constants here: their gradient comes from the local loss alone ({@link #localLoss}).
     */
    public static INDArray backward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray eps, String layerName) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int t = conf.getTop(), l = conf.getLeft();
        INDArrayIndex[] interior = idx(NDArrayIndex.interval(t, t + h), NDArrayIndex.interval(l, l + w));
        if (!conf.isBorderGradient()) {
            return eps.get(interior).dup('c');
        }
        INDArray g = eps.dup('c');
        Step[] steps = plan(conf, params, h, w, layerName);
        for (int si = steps.length - 1; si >= 0; si--) {
            Step st = steps[si];
            int k = st.kernel.k;
            int rows = st.p + k;
            double[] gr = new double[(int) (n * c * rows * st.len)];
            INDArray gPad = g.get(st.padRegion());
            toCanonical(read(gPad), (int) n, (int) c, (int) gPad.size(2), (int) gPad.size(3), st.side, gr, rows, 0);
            // Rings were created inner first; undo them outer first.
            for (int ring = st.p; ring >= 1; ring--) {
                int i = st.p - ring;
                predictRowBackward(gr, rows, i, (int) n, rows, st.len, i, st.kernel, gr);
            }
            double[] blk = fromCanonical(gr, (int) n, (int) c, rows, st.p, k, st.len, st.side);
            INDArray ctx = g.get(st.contextRegion());
            ctx.addi(array(blk, ctx.shape(), g.dataType()));
        }
        return g.get(interior).dup('c');
    }

    /**
     * The local loss of {@code x} and its gradient with respect to every predictor parameter, written into
     * {@code grads} (same keys and shapes as {@code params}; overwritten). Returns NaN if no side has a training
     * pair (all padded axes shorter than k+1).
     */
    public static double localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x, Map<String, INDArray> grads) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int k = conf.getContextDepth();
        LocalLoss type = conf.getLocalLoss();
        double total = 0;
        int sides = 0;
        Side[] padded = conf.paddedSides();
        double[][] dWs = new double[padded.length][];
        double[][] dBs = new double[padded.length][];
        for (int si = 0; si < padded.length; si++) {
            Side s = padded[si];
            Kernel kn = Kernel.of(conf, params, s);
            dWs[si] = new double[kn.weight.length];
            dBs[si] = new double[kn.bias.length];
            long axis = s.isRow() ? h : w;
            if (axis < k + 1 || type == LocalLoss.NONE) {
                continue;
            }
            int len = (int) (s.isRow() ? w : h);
            int rows = k + 1;
            double[] a = new double[(int) (n * c * rows * len)];
            INDArray band = x.get(strip(s, rows, 0, h, 0, w));
            toCanonical(read(band), (int) n, (int) c, (int) band.size(2), (int) band.size(3), s, a, rows, 0);
            double[] pred = new double[(int) (n * c * len)];
            // Predict row 0 (the target) from rows 1..k, into a separate array.
            predictRow(a, (int) n, rows, len, 0, kn, pred, 1, 0);
            double sum = 0;
            double scale = 1.0 / pred.length;
            double[] g = new double[pred.length];
            for (int b = 0; b < n * c; b++) {
                for (int j = 0; j < len; j++) {
                    int pi = b * len + j;
                    double e = pred[pi] - a[b * rows * len + j];
                    if (type == LocalLoss.MSE) {
                        sum += e * e;
                        g[pi] = 2 * e * scale;
                    } else {
                        sum += Math.abs(e);
                        g[pi] = Math.signum(e) * scale;
                    }
                }
            }
            predictRowWeightGrad(a, (int) n, rows, len, kn, g, dWs[si], dBs[si]);
            total += sum * scale;
            sides++;
        }
        for (int si = 0; si < padded.length; si++) {
            Side s = padded[si];
            double f = sides == 0 ? 0 : 1.0 / sides;
            INDArray gw = grads.get(s.weightKey());
            INDArray gb = grads.get(s.biasKey());
            gw.assign(array(scaled(dWs[si], f), gw.shape(), gw.dataType()));
            gb.assign(array(scaled(dBs[si], f), gb.shape(), gb.dataType()));
        }
        return sides == 0 ? Double.NaN : total / sides;
    }

    /**
     * What side s's predictor says the outermost row/column of {@code x (N, C, H, W)} is, from the k rows/columns
     * inside it, next to the real values: {@code {prediction, target}}, each {@code (N, C, L)} with L = W for
     * top/bottom and H for left/right, index 0 of L at the top/left end. Needs at least k+1 rows/columns along the
     * side's axis. This is the local loss's training pair, exposed for evaluations of how realistic the padding is.
     */
    public static INDArray[] predictEdge(PaddingModule conf, Map<String, INDArray> params, INDArray x, Side s) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int k = conf.getContextDepth();
        if (conf.amount(s) == 0) {
            throw new IllegalArgumentException("side " + s.key() + " is not padded by this module: it has no predictor");
        }
        if ((s.isRow() ? h : w) < k + 1) {
            throw new IllegalArgumentException("predictEdge needs at least k+1=" + (k + 1) + " rows/columns along the "
                    + s.key() + " side's axis; the input is " + Arrays.toString(x.shape()));
        }
        int len = (int) (s.isRow() ? w : h);
        int rows = k + 1;
        double[] a = new double[(int) (n * c * rows * len)];
        INDArray band = x.get(strip(s, rows, 0, h, 0, w));
        toCanonical(read(band), (int) n, (int) c, (int) band.size(2), (int) band.size(3), s, a, rows, 0);
        double[] pred = new double[(int) (n * c * len)];
        predictRow(a, (int) n, rows, len, 0, Kernel.of(conf, params, s), pred, 1, 0);
        double[] target = fromCanonical(a, (int) n, (int) c, rows, 0, 1, len, Side.TOP);
        long[] shape = {n, c, len};
        return new INDArray[]{array(pred, shape, x.dataType()), array(target, shape, x.dataType())};
    }

    private static double[] scaled(double[] v, double f) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= f;
        }
        return v;
    }
}
