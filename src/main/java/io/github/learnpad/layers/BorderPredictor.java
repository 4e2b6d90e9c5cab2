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
                    conf.isChannelMixing(), readFlat(params.get(s.weightKey())), readFlat(params.get(s.biasKey())));
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
                            int lo = Math.max(0, Math.min(len, -off)), hi = Math.max(lo, Math.min(len, len - off));
                            for (int j = 0; j < lo; j++) {
                                into[dst + j] += wt * a[src];
                            }
                            for (int j = lo; j < hi; j++) {
                                into[dst + j] += wt * a[src + j + off];
                            }
                            for (int j = hi; j < len; j++) {
                                into[dst + j] += wt * a[src + len - 1];
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
                            int lo = Math.max(0, Math.min(len, -off)), hi = Math.max(lo, Math.min(len, len - off));
                            for (int j = 0; j < lo; j++) {
                                gA[dst] += wt * g[gBase + j];
                            }
                            for (int j = lo; j < hi; j++) {
                                gA[dst + j + off] += wt * g[gBase + j];
                            }
                            for (int j = hi; j < len; j++) {
                                gA[dst + len - 1] += wt * g[gBase + j];
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
                            int lo = Math.max(0, Math.min(len, -off)), hi = Math.max(lo, Math.min(len, len - off));
                            double acc = 0;
                            for (int j = 0; j < lo; j++) {
                                acc += g[gBase + j] * a[src];
                            }
                            for (int j = lo; j < hi; j++) {
                                acc += g[gBase + j] * a[src + j + off];
                            }
                            for (int j = hi; j < len; j++) {
                                acc += g[gBase + j] * a[src + len - 1];
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
    // Geometry: where canonical strip positions live in the (padded) map.

    /** One side's padding step: its kernel, and the region of the output whose border it extends. */
    private static final class Step {
        final Side side;
        final int p;
        final Kernel kernel;
        /** Length of the border (W for top/bottom, the row-extended height for left/right). */
        final int len;
        /** The region being extended, in output coordinates: rows [rowFrom, rowTo), columns [colFrom, colTo). */
        final long rowFrom, rowTo, colFrom, colTo;

        Step(Side side, int p, Kernel kernel, long rowFrom, long rowTo, long colFrom, long colTo) {
            this.side = side;
            this.p = p;
            this.kernel = kernel;
            this.len = (int) (side.isRow() ? colTo - colFrom : rowTo - rowFrom);
            this.rowFrom = rowFrom;
            this.rowTo = rowTo;
            this.colFrom = colFrom;
            this.colTo = colTo;
        }

        /** Rows (canonical q) of the strip: q < p are the rings (q = p - ring), q >= p the context (d = q - p). */
        int rows() {
            return p + kernel.k;
        }

        /** Output row of canonical position (q, j): distance q - p inward from the border (negative = outside). */
        long row(int q, int j) {
            switch (side) {
                case TOP: return rowFrom + q - p;
                case BOTTOM: return rowTo - 1 - (q - p);
                default: return rowFrom + j;
            }
        }

        long col(int q, int j) {
            switch (side) {
                case LEFT: return colFrom + q - p;
                case RIGHT: return colTo - 1 - (q - p);
                default: return colFrom + j;
            }
        }
    }

    /** The padding steps in order (top, bottom, left, right), with the kernel each uses (fallback included). */
    private static Step[] plan(PaddingModule conf, Map<String, INDArray> params, long h, long w, String layerName) {
        int t = conf.getTop(), b = conf.getBottom(), l = conf.getLeft();
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
            // Rows extend the input region; columns extend the row-extended map (so they predict the corners).
            steps[i++] = s.isRow() ? new Step(s, p, kn, t, t + h, l, l + w) : new Step(s, p, kn, 0, h + t + b, l, l + w);
        }
        return Arrays.copyOf(steps, i);
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
     * Reads canonical rows [from, to) of step st for samples {@code b0 .. b0+n} of {@code a} into
     * {@code r (n, C, st.rows(), len)}.
     */
    private static void gather(StridedAccess a, Step st, int b0, int n, int c, int from, int to, double[] r) {
        transfer(a, st, b0, n, c, from, to, r, false);
    }

    /** Writes canonical rows [from, to) of {@code r} into step st's positions of samples {@code b0 ..} of {@code a}. */
    private static void scatter(StridedAccess a, Step st, int b0, int n, int c, int from, int to, double[] r) {
        transfer(a, st, b0, n, c, from, to, r, true);
    }

    private static void transfer(StridedAccess a, Step st, int b0, int n, int c, int from, int to, double[] r,
                                 boolean write) {
        int rows = st.rows();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (b * c + ch) * rows * st.len;
                if (st.side.isRow()) {
                    for (int q = from; q < to; q++) {
                        if (write) {
                            a.writeRow(b0 + b, ch, st.row(q, 0), st.colFrom, st.len, r, base + q * st.len, false);
                        } else {
                            a.readRow(b0 + b, ch, st.row(q, 0), st.colFrom, st.len, r, base + q * st.len);
                        }
                    }
                } else {
                    // Row by row, all the side's columns at once: they share cache lines (column-wise walks do not).
                    for (int j = 0; j < st.len; j++) {
                        long row = st.rowFrom + j;
                        for (int q = from; q < to; q++) {
                            if (write) {
                                a.set(b0 + b, ch, row, st.col(q, 0), r[base + q * st.len + j]);
                            } else {
                                r[base + q * st.len + j] = a.get(b0 + b, ch, row, st.col(q, 0));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Samples per chunk: every pass works on a few samples at a time (they are independent), so its strips stay in
     * cache and its Java arrays stay small (large ones are expensive "humongous" objects for the G1 collector).
     */
    private static int chunk(long c, long perChannel) {
        return (int) Math.max(1, 16384 / Math.max(1, c * perChannel));
    }

    private static double[] readFlat(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private static INDArray array(double[] data, long[] shape, DataType dt) {
        INDArray a = Nd4j.create(data, shape, 'c');
        return dt == DataType.DOUBLE ? a : a.castTo(dt);
    }

    private static INDArrayIndex[] interior(PaddingModule conf, long h, long w) {
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(conf.getTop(), conf.getTop() + h),
                NDArrayIndex.interval(conf.getLeft(), conf.getLeft() + w)};
    }

    private static boolean direct(INDArray a) {
        return a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE;
    }

    // =================================================================================================================
    // Forward, backward and local loss of the whole module.

    /**
     * Forward pass: pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)}, which the caller allocates
     * (e.g. in a DL4J workspace); every element of {@code out} is written.
     */
    public static void forward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out, String layerName) {
        if (!direct(out)) {
            INDArray tmp = Nd4j.create(DataType.FLOAT, out.shape());
            forward(conf, params, x.castTo(DataType.FLOAT), tmp, layerName);
            out.assign(tmp.castTo(out.dataType()));
            return;
        }
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        StridedAccess o = StridedAccess.of(out);
        // The interior by row copies: an ND4J assign into the strided interior view measured several times slower.
        o.copyFrom(StridedAccess.of(x.dataType() == out.dataType() ? x : x.castTo(out.dataType())),
                conf.getTop(), conf.getLeft(), n, c, h, w);
        Step[] steps = plan(conf, params, h, w, layerName);
        int cs = chunk(c, (long) (conf.getContextDepth() + Math.max(conf.getTop(), conf.getLeft()) + 2) * (h + w + 8));
        for (int b0 = 0; b0 < n; b0 += cs) {
            int nb = (int) Math.min(cs, n - b0);
            for (Step st : steps) {
                int rows = st.rows();
                double[] r = new double[(int) (nb * c * rows * st.len)];
                gather(o, st, b0, nb, (int) c, st.p, rows, r);
                for (int ring = 1; ring <= st.p; ring++) {
                    int i = st.p - ring;
                    predictRow(r, nb, rows, st.len, i, st.kernel, r, rows, i);
                }
                scatter(o, st, b0, nb, (int) c, 0, st.p, r);
            }
        }
        o.commit();
    }

    /**
     * Main-loss backward pass: writes {@code dL/dx (N, C, H, W)} into {@code dx} from {@code eps = dL/dy}. The
     * predictor weights are constants here: their gradient comes from the local loss alone ({@link #localLoss}).
     */
    public static void backward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray eps,
                                INDArray dx, String layerName) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        dx.assign(eps.get(interior(conf, h, w)));
        if (!conf.isBorderGradient() || conf.paddedSides().length == 0) {
            return;
        }
        if (!direct(dx) || !direct(eps)) {
            INDArray tmp = Nd4j.create(DataType.FLOAT, dx.shape());
            backward(conf, params, x, eps.castTo(DataType.FLOAT), tmp, layerName);
            dx.assign(tmp.castTo(dx.dataType()));
            return;
        }
        int t = conf.getTop(), l = conf.getLeft();
        StridedAccess e = StridedAccess.of(eps);
        StridedAccess d = StridedAccess.of(dx);
        // Gradients of the predicted top/bottom rows, (N, C, rows of that pad, W): from eps, plus what the column
        // predictors (which read them as context) send back.
        int tb = conf.getTop(), bb = conf.getBottom();
        Step[] steps = plan(conf, params, h, w, layerName);
        int cs = chunk(c, (long) (conf.getContextDepth() + Math.max(conf.getTop(), conf.getLeft()) + 2) * (h + w + 8));
        for (int b0 = 0; b0 < n; b0 += cs) {
        int n0 = (int) Math.min(cs, n - b0);
        double[] gTop = new double[(int) (n0 * c * tb * w)];
        double[] gBottom = new double[(int) (n0 * c * bb * w)];
        for (int b = 0; b < n0; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < tb; i++) {
                    e.readRow(b0 + b, ch, i, l, (int) w, gTop, (int) (((b * c + ch) * tb + i) * w));
                }
                for (int i = 0; i < bb; i++) {
                    e.readRow(b0 + b, ch, t + h + i, l, (int) w, gBottom, (int) (((b * c + ch) * bb + i) * w));
                }
            }
        }
        for (int si = steps.length - 1; si >= 0; si--) {
            Step st = steps[si];
            int rows = st.rows();
            double[] gr = new double[(int) (n0 * c * rows * st.len)];
            if (st.side.isRow()) {
                double[] acc = st.side == Side.TOP ? gTop : gBottom;
                int pr = st.side == Side.TOP ? tb : bb;
                for (int b = 0; b < n0; b++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int q = 0; q < st.p; q++) {
                            long accRow = st.side == Side.TOP ? st.row(q, 0) : st.row(q, 0) - t - h;
                            System.arraycopy(acc, (int) (((b * c + ch) * pr + accRow) * w), gr,
                                    ((b * (int) c + ch) * rows + q) * st.len, st.len);
                        }
                    }
                }
            } else {
                gather(e, st, b0, n0, (int) c, 0, st.p, gr);
            }
            // Rings were created inner first; undo them outer first.
            for (int ring = st.p; ring >= 1; ring--) {
                int i = st.p - ring;
                predictRowBackward(gr, rows, i, n0, rows, st.len, i, st.kernel, gr);
            }
            // Send the context's gradient on: interior positions to dx, predicted top/bottom rows to their
            // accumulators (column contexts run over the row-extended map).
            for (int b = 0; b < n0; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int q = st.p; q < rows; q++) {
                        int off = ((b * (int) c + ch) * rows + q) * st.len;
                        if (st.side.isRow()) {
                            d.writeRow(b0 + b, ch, st.row(q, 0) - t, 0, (int) w, gr, off, true);
                        } else {
                            long col = st.col(q, 0) - l;
                            for (int i = 0; i < tb; i++) {
                                gTop[(int) (((b * c + ch) * tb + i) * w + col)] += gr[off + i];
                            }
                            for (int i = 0; i < bb; i++) {
                                gBottom[(int) (((b * c + ch) * bb + i) * w + col)] += gr[off + t + (int) h + i];
                            }
                        }
                    }
                    if (!st.side.isRow()) {
                        // Interior rows, all context columns of a row together (shared cache lines).
                        int base = (b * (int) c + ch) * rows * st.len;
                        for (int i = 0; i < h; i++) {
                            for (int q = st.p; q < rows; q++) {
                                d.add(b0 + b, ch, i, st.col(q, 0) - l, gr[base + q * st.len + t + i]);
                            }
                        }
                    }
                }
            }
        }
        }
        d.commit();
    }

    /**
     * The local loss of {@code x} and its gradient with respect to every predictor parameter, written into
     * {@code grads} (same keys and shapes as {@code params}; overwritten). Returns NaN if no side has a training
     * pair (all padded axes shorter than k+1).
     *
     * @throws IllegalArgumentException if the rows/columns it reads contain NaN or Inf (nothing is written then)
     */
    public static double localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x, Map<String, INDArray> grads) {
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
            if (type == LocalLoss.NONE) {
                continue;
            }
            long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
            int rows = kn.k + 1;
            if ((s.isRow() ? h : w) < rows) {
                continue;
            }
            int len = (int) (s.isRow() ? w : h);
            // A step with p = 0 over the input itself: canonical q = distance from the border.
            Step st = new Step(s, 0, new Kernel(kn.channels, rows, 1, false, null, null), 0, h, 0, w);
            StridedAccess xa = StridedAccess.of(direct(x) ? x : x.castTo(DataType.FLOAT));
            double scale = 1.0 / (n * c * len);
            double sum = 0;
            int cs = chunk(c, (long) rows * len);
            for (int b0 = 0; b0 < n; b0 += cs) {
                int nb = (int) Math.min(cs, n - b0);
                double[] a = new double[nb * (int) c * rows * len];
                gather(xa, st, b0, nb, (int) c, 0, rows, a);
                double[] pred = new double[nb * (int) c * len];
                predictRow(a, nb, rows, len, 0, kn, pred, 1, 0);
                double[] g = new double[pred.length];
                for (int b = 0; b < nb * c; b++) {
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
                predictRowWeightGrad(a, nb, rows, len, kn, g, dWs[si], dBs[si]);
            }
            if (!Double.isFinite(sum)) {
                throw new IllegalArgumentException("PaddingModule: the input's " + s.key() + " border rows/columns "
                        + "contain NaN or Inf (or values so large the local loss overflows); training the predictor "
                        + "on them would make its weights NaN. Check the data and the layers before the module "
                        + "(e.g. lower the learning rate)");
            }
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
     * Side s's training pair from {@code x}: {@code {band (N, C, k+1, L) canonical, prediction of its row 0 (N, C, L)}},
     * or null if the axis has fewer than k+1 rows/columns.
     */
    private static double[][] pair(PaddingModule conf, Kernel kn, INDArray x, Side s) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int rows = kn.k + 1;
        if ((s.isRow() ? h : w) < rows) {
            return null;
        }
        INDArray xd = direct(x) ? x : x.castTo(DataType.FLOAT);
        // A step with p = 0 over the input itself: canonical q = distance from the border.
        Step st = new Step(s, 0, new Kernel(kn.channels, rows, 1, false, null, null), 0, h, 0, w);
        double[] a = new double[(int) (n * c * rows * st.len)];
        gather(StridedAccess.of(xd), st, 0, (int) n, (int) c, 0, rows, a);
        double[] pred = new double[(int) (n * c * st.len)];
        predictRow(a, (int) n, rows, st.len, 0, kn, pred, 1, 0);
        return new double[][]{a, pred};
    }

    /**
     * What side s's predictor says the outermost row/column of {@code x (N, C, H, W)} is, from the k rows/columns
     * inside it, next to the real values: {@code {prediction, target}}, each {@code (N, C, L)} with L = W for
     * top/bottom and H for left/right, index 0 of L at the top/left end. Needs at least k+1 rows/columns along the
     * side's axis. This is the local loss's training pair, exposed for evaluations of how realistic the padding is.
     */
    public static INDArray[] predictEdge(PaddingModule conf, Map<String, INDArray> params, INDArray x, Side s) {
        if (conf.amount(s) == 0) {
            throw new IllegalArgumentException("side " + s.key() + " is not padded by this module: it has no predictor");
        }
        Kernel kn = Kernel.of(conf, params, s);
        double[][] pair = pair(conf, kn, x, s);
        if (pair == null) {
            throw new IllegalArgumentException("predictEdge needs at least k+1=" + (kn.k + 1) + " rows/columns along "
                    + "the " + s.key() + " side's axis; the input is " + Arrays.toString(x.shape()));
        }
        long n = x.size(0), c = x.size(1);
        int len = (int) (s.isRow() ? x.size(3) : x.size(2));
        int rows = kn.k + 1;
        double[] target = new double[(int) (n * c * len)];
        for (int b = 0; b < n * c; b++) {
            System.arraycopy(pair[0], b * rows * len, target, b * len, len);
        }
        long[] shape = {n, c, len};
        return new INDArray[]{array(pair[1], shape, x.dataType()), array(target, shape, x.dataType())};
    }

    private static double[] scaled(double[] v, double f) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= f;
        }
        return v;
    }
}
