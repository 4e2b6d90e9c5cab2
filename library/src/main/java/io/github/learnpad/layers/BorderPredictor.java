package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import io.github.learnpad.layers.PaddingModule.Side;
import org.deeplearning4j.nn.conf.CNN2DFormat;
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
 * <h2>Where the passes live</h2>
 * This class states the maths and holds the <em>general</em> passes ({@link #GENERAL}: any configuration and data
 * type, plain Java loops over canonical double strips), the reference the other implementations are tested against.
 * The same passes have two more implementations of {@link PaddingPasses}: {@link FloatDepthwisePasses} (FLOAT data,
 * depthwise predictor, the defaults; Java loops on each float plane in place) and {@link OpsPasses} (ND4J ops only:
 * GEMMs for channel mixing, and the device path for non-CPU backends). {@link PaddingPasses#choose} picks one in one
 * place; the package-private entry points below ({@link #forward}, {@link #backward}, {@link #backwardInPlace},
 * {@link #localLoss}) dispatch through it. A SameDiff graph of the same maths ({@link PaddingModuleGraph}) is the
 * slow reference that the tests also compare with.
 *
 * <p>The Java passes are hand-written because a SameDiff graph of the maths spends ~50x longer in per-op overhead
 * than the arithmetic costs (a few hundred thousand multiply-adds for a (32, 64, 32, 32) input). Each walks the
 * minibatch one unit at a time ({@link Units}), in at most {@link Partitions#MAX} partitions run in parallel. The
 * local loss is computed in the training forward pass, and the layer's backward pass adds the border's gradient into
 * the upstream gradient itself when the layout allows ({@link #backwardInPlace}).
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

        /**
         * The specialisation test, in one place: true if the straight-line loops for window width 3 apply to a border
         * of length len (they need at least two positions).
         */
        static boolean width3(int w, int len) {
            return w == 3 && len >= 2;
        }

        /** True for the defaults k = 2, w = 3 on a border of length len: one sweep over both context rows applies. */
        boolean is2x3(int len) {
            return k == 2 && width3(w, len);
        }

        /** Index in {@link #weight} of the taps output o takes from channel c at depth d. */
        int weightIndex(int o, int c, int d) {
            return mixing ? ((o * channels + c) * k + d) * w : (o * k + d) * w;
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

        /**
         * The kernels that units of {@code per} channels use, indexed by {@link Units#kernel}: this one when a unit
         * holds every channel, else (depthwise, one channel per unit) a single-channel slice per channel.
         */
        Kernel[] forUnits(int per) {
            if (per == channels) {
                return new Kernel[]{this};
            }
            int kw = k * w;
            Kernel[] slices = new Kernel[channels];
            for (int c = 0; c < channels; c++) {
                slices[c] = new Kernel(1, k, w, false, Arrays.copyOfRange(weight, c * kw, (c + 1) * kw),
                        new double[]{bias[c]});
            }
            return slices;
        }
    }

    /**
     * The predictors' parameters as one pass reads them: each padded side's kernels, indexed by {@link Units#kernel}.
     * Read once per training step (the forward pass's copy serves the local loss and the backward pass too: reading
     * the parameter arrays costs more than a pass over a small layer's borders, and backprop must use the weights
     * the forward pass used anyway).
     */
    static final class Weights {
        /** The parameter arrays (live views), for the passes that read them with ND4J ops. */
        final Map<String, INDArray> params;
        private final PaddingModule conf;
        /** Host copies for the Java passes, read at their first use (the ND4J-ops passes never need them). */
        private Kernel[][] bySide;

        private Weights(PaddingModule conf, Map<String, INDArray> params) {
            this.conf = conf;
            this.params = params;
        }

        static Weights read(PaddingModule conf, Map<String, INDArray> params) {
            return new Weights(conf, params);
        }

        /** Side s's kernels (s must be padded). */
        synchronized Kernel[] of(Side s) {
            if (bySide == null) {
                bySide = new Kernel[Side.values().length][];
                int per = conf.isChannelMixing() ? (int) conf.getNChannels() : 1;
                for (Side p : conf.paddedSides()) {
                    bySide[p.ordinal()] = Kernel.of(conf, params, p).forUnits(per);
                }
            }
            return bySide[s.ordinal()];
        }
    }

    // =================================================================================================================
    // The primitive: predict row i of a canonical strip A (N, C, rows, L) from rows i+1 .. i+k.

    /** {@code A[n, c, i, :] = p} computed from {@code A[n, :, i+1 .. i+k, :]}. */
    static void predictRow(double[] a, int n, int rows, int len, int i, Kernel kn, double[] into, int intoRows, int intoRow) {
        int cN = kn.channels;
        int k = kn.k;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int dst = ((b * cN + o) * intoRows + intoRow) * len;
                java.util.Arrays.fill(into, dst, dst + len, kn.bias[o]);
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
                    for (int d = 0; d < k; d++) {
                        int src = ((b * cN + c) * rows + i + 1 + d) * len;
                        taps(a, src, len, kn.weight, kn.weightIndex(o, c, d), kn.w, into, dst);
                    }
                }
            }
        }
    }

    /** Adds {@code W^T g} to rows i+1..i+k of {@code gA}, where g is the gradient of row i's prediction. */
    static void predictRowBackward(double[] g, int gRows, int gRow, int n, int rows, int len, int i, Kernel kn, double[] gA) {
        int cN = kn.channels;
        int k = kn.k;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cN; o++) {
                int gBase = ((b * cN + o) * gRows + gRow) * len;
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
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
    static void predictRowWeightGrad(double[] a, int n, int rows, int len, Kernel kn, double[] g, double[] dW, int wOff,
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
                int cFrom = kn.mixing ? 0 : o;
                int cTo = kn.mixing ? cN : o + 1;
                for (int c = cFrom; c < cTo; c++) {
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
    // straight-line loops, which the JIT keeps in registers (measured about 2x faster than the general loops); any
    // other w takes the general loops, which split each tap's range where the clamping starts.

    /** {@code out[o + j] += sum_u wt[wi + u] * x[s + clamp(j + u - w/2)]} for {@code j < len}. */
    static void taps(double[] x, int s, int len, double[] wt, int wi, int w, double[] out, int o) {
        if (Kernel.width3(w, len)) {
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
            int off = u - h;
            int lo = Math.max(0, Math.min(len, -off)), hi = Math.max(lo, Math.min(len, len - off));
            for (int j = 0; j < lo; j++) {
                out[o + j] += c * x[s];
            }
            for (int j = lo; j < hi; j++) {
                out[o + j] += c * x[s + j + off];
            }
            for (int j = hi; j < len; j++) {
                out[o + j] += c * x[s + len - 1];
            }
        }
    }

    /** The transpose of {@link #taps}: {@code gx[s + m] += sum over (j, u) with clamp(j + u - w/2) = m of wt[wi + u] * g[gi + j]}. */
    static void tapsBackward(double[] g, int gi, int len, double[] wt, int wi, int w, double[] gx, int s) {
        if (Kernel.width3(w, len)) {
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
            int off = u - h;
            int lo = Math.max(0, Math.min(len, -off)), hi = Math.max(lo, Math.min(len, len - off));
            for (int j = 0; j < lo; j++) {
                gx[s] += c * g[gi + j];
            }
            for (int j = lo; j < hi; j++) {
                gx[s + j + off] += c * g[gi + j];
            }
            for (int j = hi; j < len; j++) {
                gx[s + len - 1] += c * g[gi + j];
            }
        }
    }

    /** The weight gradient of {@link #taps}: {@code dW[di + u] += sum_j g[gi + j] * x[s + clamp(j + u - w/2)]}. */
    static void tapsWeightGrad(double[] x, int s, int len, double[] g, int gi, int w, double[] dW, int di) {
        if (Kernel.width3(w, len)) {
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

    private static int clamp(int j, int len) {
        return j < 0 ? 0 : (j >= len ? len - 1 : j);
    }


    // =================================================================================================================
    // Geometry: where canonical strip positions live in the (padded) map.

    /** One side's padding step: its kernels, and the region of the map whose border it extends. */
    static final class Step {
        final Side side;
        final int p;
        /** Canonical rows of the strip: q < p are the rings (q = p - ring), q >= p the context (d = q - p). */
        final int rows;
        /** The kernels, by {@link Units#kernel}. */
        final Kernel[] kernels;
        /** Length of the border (W for top/bottom, the row-extended height for left/right). */
        final int len;
        /** The region being extended, in map coordinates: rows [rowFrom, rowTo), columns [colFrom, colTo). */
        final long rowFrom, rowTo, colFrom, colTo;

        Step(Side side, int p, int rows, Kernel[] kernels, long rowFrom, long rowTo, long colFrom, long colTo) {
            this.side = side;
            this.p = p;
            this.rows = rows;
            this.kernels = kernels;
            this.len = (int) (side.isRow() ? colTo - colFrom : rowTo - rowFrom);
            this.rowFrom = rowFrom;
            this.rowTo = rowTo;
            this.colFrom = colFrom;
            this.colTo = colTo;
        }

        /** Map row of canonical position (q, j): distance q - p inward from the border (negative = outside). */
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

        /** Index of canonical (0, 0) in a c-ordered plane {@code planeW} wide. */
        int origin(int planeW) {
            return (int) (row(0, 0) * planeW + col(0, 0));
        }

        /** Index step from canonical row q to q + 1 in a plane {@code planeW} wide (inward from the border). */
        int qStep(int planeW) {
            switch (side) {
                case TOP: return planeW;
                case BOTTOM: return -planeW;
                case LEFT: return 1;
                default: return -1;
            }
        }

        /** Index step along the border, from j to j + 1, in a plane {@code planeW} wide. */
        int jStep(int planeW) {
            return side.isRow() ? 1 : planeW;
        }
    }

    /** The padding steps in order (top, bottom, left, right), with the kernels each uses (fallback included). */
    static Step[] plan(PaddingModule conf, Weights weights, long h, long w, Units units, String layerName) {
        int t = conf.getTop(), l = conf.getLeft();
        Step[] steps = new Step[4];
        int i = 0;
        for (Side s : Side.values()) {
            int p = conf.amount(s);
            if (p == 0) {
                continue;
            }
            long axis = s.isRow() ? h : w;
            Kernel[] ks;
            if (axis < conf.getContextDepth()) {
                warnSmall(layerName, s, axis, conf.getContextDepth());
                ks = Kernel.replicate(units.c).forUnits(units.per);
            } else {
                ks = weights.of(s);
            }
            int rows = p + ks[0].k;
            // Rows extend the input region; columns extend the row-extended map (so they predict the corners).
            steps[i++] = s.isRow() ? new Step(s, p, rows, ks, t, t + h, l, l + w)
                    : new Step(s, p, rows, ks, 0, conf.amounts().paddedHeight(h), l, l + w);
        }
        return Arrays.copyOf(steps, i);
    }

    /** Side s's local-loss pair over the input itself: canonical q = distance from the border, q = 0 the target. */
    static Step pairStep(Side s, Kernel[] kernels, long h, long w) {
        return new Step(s, 0, kernels[0].k + 1, kernels, 0, h, 0, w);
    }

    static void warnSmall(String layer, Side s, long axis, int k) {
        if (!warnedSmall) {
            warnedSmall = true;
            log.warn("PaddingModule {}: the input's {} is {}, smaller than the predictor's context depth k={}; the {} "
                            + "side is replicate padded for such inputs (warned once)", layer,
                    s.isRow() ? "height" : "width", axis, k, s.key());
        }
    }

    /** Reads canonical rows [from, to) of step st from block {@code a} into {@code r (a.c, st.rows, len)}. */
    private static void gather(HeapBlock a, Step st, int from, int to, double[] r) {
        transfer(a, st, from, to, r, false);
    }

    /** Writes canonical rows [from, to) of {@code r (a.c, st.rows, len)} into step st's positions of block {@code a}. */
    private static void scatter(HeapBlock a, Step st, int from, int to, double[] r) {
        transfer(a, st, from, to, r, true);
    }

    private static void transfer(HeapBlock a, Step st, int from, int to, double[] r, boolean write) {
        int along = st.side.isRow() ? 1 : a.w;
        for (int ch = 0; ch < a.c; ch++) {
            for (int q = from; q < to; q++) {
                int at = a.index(ch, (int) st.row(q, 0), (int) st.col(q, 0));
                int off = (ch * st.rows + q) * st.len;
                if (write) {
                    a.write(at, along, st.len, r, off, false);
                } else {
                    a.read(at, along, st.len, r, off);
                }
            }
        }
    }

    // =================================================================================================================
    // Units: how every pass walks the minibatch.

    /**
     * Every pass walks the minibatch one unit at a time: it copies the unit out of the INDArray into a heap block with
     * one bulk read, works on the block, and writes its result back with one bulk write. A unit is one (n, c) plane
     * for the depthwise predictor (channels are independent) and one whole sample with channel mixing. A 32 x 32
     * float plane is 4 KB, so all the strided walks down the left and right columns hit the L1 cache: walking them
     * over the whole minibatch in place (in NCHW every column element sits on its own cache line) measured about 5x
     * slower per pass.
     */
    static final class Units {
        final int c;
        /** Channels per unit. */
        final int per;
        final int count;

        Units(PaddingModule conf, long n, long c) {
            this.c = (int) c;
            this.per = conf.isChannelMixing() ? (int) c : 1;
            this.count = (int) (n * c / per);
        }

        long sample(int u) {
            return (long) u * per / c;
        }

        long channel(int u) {
            return (long) u * per % c;
        }

        /** Index of the unit's kernel in {@link Kernel#forUnits}: its channel (depthwise) or 0 (mixing). */
        int kernel(int u) {
            return per == 1 ? (int) channel(u) : 0;
        }
    }

    /** FLOAT or DOUBLE: the type the passes compute in (other types are cast to FLOAT). */
    static DataType computeType(INDArray a) {
        return a.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** {@code a} in type dt, c-ordered without gaps (what unit bulk reads need); copies only when it is not. */
    static StridedAccess packed(INDArray a, DataType dt) {
        INDArray b = a.dataType() == dt ? a : a.castTo(dt);
        StridedAccess s = StridedAccess.of(b);
        return s.isPacked() ? s : StridedAccess.of(b.dup('c'));
    }

    /**
     * True if {@code a}'s elements are contiguous in its buffer, in c order. Parameters and their gradients are such
     * views of the network's flat vectors (DL4J gives the bias vectors order 'f', which does not matter for a vector).
     */
    private static boolean isFlat(INDArray a) {
        return (a.ordering() == 'c' || a.isVector()) && a.elementWiseStride() == 1 && !a.isEmpty();
    }

    /** {@code a}'s elements in c order. */
    private static double[] readFlat(INDArray a) {
        if (!isFlat(a)) {
            return a.dup('c').data().asDouble();
        }
        // Read straight from the buffer: an ND4J op (a dup) per parameter per pass was a noticeable share of the
        // layer's time. As in StridedAccess, a view's data() starts at the view's first element.
        Nd4j.getAffinityManager().ensureLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
        org.nd4j.linalg.api.buffer.DataBuffer b = a.data();
        double[] out = new double[(int) a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getDouble(i);
        }
        return out;
    }

    /** Overwrites {@code a} with {@code v} (c order), the counterpart of {@link #readFlat}. */
    private static void writeFlat(INDArray a, double[] v) {
        if (!isFlat(a)) {
            a.assign(array(v, a.shape(), a.dataType()));
            return;
        }
        Nd4j.getAffinityManager().ensureLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
        org.nd4j.linalg.api.buffer.DataBuffer b = a.data();
        for (int i = 0; i < v.length; i++) {
            b.put(i, v[i]);
        }
        Nd4j.getAffinityManager().tagLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
    }

    private static INDArray array(double[] data, long[] shape, DataType dt) {
        INDArray a = Nd4j.create(data, shape, 'c');
        return dt == DataType.DOUBLE ? a : a.castTo(dt);
    }

    static INDArrayIndex[] interior(PaddingModule conf, long h, long w) {
        return conf.amounts().interior(h, w);
    }

    /** Writes through to {@code target} directly when its type and layout allow, else through a temporary. */
    static final class Destination {
        final INDArray target;
        final INDArray tmp;
        final StridedAccess access;

        /** For writes of whole units: the target must be packed. */
        Destination(INDArray target, DataType dt) {
            this(target, dt, false);
        }

        /** For writes of units of one plane each, if {@code planes}: then contiguous planes in any order suffice. */
        Destination(INDArray target, DataType dt, boolean planes) {
            this.target = target;
            StridedAccess direct = target.dataType() == dt ? StridedAccess.of(target) : null;
            if (direct != null && (planes ? direct.planesContiguous() : direct.isPacked())) {
                tmp = null;
                access = direct;
            } else {
                tmp = Nd4j.createUninitialized(dt, target.shape());
                access = StridedAccess.of(tmp);
            }
        }

        void finish() {
            access.commit();
            if (tmp != null) {
                target.assign(tmp);
            }
        }
    }

    // =================================================================================================================
    // Forward, backward and local loss of the whole module.

    /**
     * Forward pass: pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)}, which the caller allocates
     * (e.g. in a DL4J workspace); every element of {@code out} is written.
     */
    public static void forward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out, String layerName) {
        forward(conf, Weights.read(conf, params), x, out, layerName, false);
    }

    /**
     * {@link #forward(PaddingModule, Map, INDArray, INDArray, String)} with weights already read; when
     * {@code training} and the module has a local loss, also computes the local loss of {@code x} and its gradient in
     * the same walk (each unit is in cache then), for the backward pass to hand to the updater. Returns null otherwise.
     *
     * @throws IllegalArgumentException if training and the rows/columns the local loss reads contain NaN or Inf
     */
    static LocalLossResult forward(PaddingModule conf, Weights weights, INDArray x, INDArray out,
                                   String layerName, boolean training) {
        return PaddingPasses.choose(conf, computeType(x)).forward(conf, weights, x, out, layerName, training);
    }

    /**
     * True if {@code x} is FLOAT in the (C, N, H, W) memory layout of a convolution's output and {@link #forward}
     * would walk it channel-major: the output is then best allocated in that layout too.
     */
    static boolean keepsChannelMajor(PaddingModule conf, INDArray x) {
        return PaddingPasses.choose(conf, computeType(x)).keepsChannelMajor(x);
    }

    /** The general passes as a {@link PaddingPasses}: any configuration and data type, NCHW. */
    static final PaddingPasses GENERAL = new PaddingPasses() {
        @Override
        public boolean supports(PaddingModule conf, DataType dt, CNN2DFormat layout) {
            return layout == CNN2DFormat.NCHW;
        }

        @Override
        public LocalLossResult forward(PaddingModule conf, Weights weights, INDArray x, INDArray out, String layerName,
                                       boolean training) {
            return forwardGeneral(conf, weights, x, out, layerName, training);
        }

        @Override
        public double localLoss(PaddingModule conf, Weights weights, INDArray x, Map<String, INDArray> grads) {
            return localLossGeneral(conf, weights, x, grads);
        }

        @Override
        public INDArray backwardInPlace(PaddingModule conf, Weights weights, INDArray x, INDArray eps, String layerName) {
            return hasBorderGradient(conf) ? null : eps.get(interior(conf, x.size(2), x.size(3)));
        }

        @Override
        public void backward(PaddingModule conf, Weights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
            if (hasBorderGradient(conf)) {
                backwardGeneral(conf, weights, x, eps, dx, layerName);
            } else {
                dx.assign(eps.get(interior(conf, x.size(2), x.size(3))));
            }
        }
    };

    /** True if the main loss's gradient flows back through a predicted border (else dL/dx is eps's interior). */
    static boolean hasBorderGradient(PaddingModule conf) {
        return conf.isBorderGradient() && conf.paddedSides().length > 0;
    }

    /** The general forward pass (any configuration and data type); {@link #forward} uses it unless a faster one applies. */
    static LocalLossResult forwardGeneral(PaddingModule conf, Weights weights, INDArray x, INDArray out,
                                          String layerName, boolean training) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int t = conf.getTop(), l = conf.getLeft();
        DataType dt = computeType(x);
        StridedAccess xs = packed(x, dt);
        Destination dst = new Destination(out, dt);
        Units units = new Units(conf, n, c);
        Step[] steps = plan(conf, weights, h, w, units, layerName);
        LossPass loss = training && conf.getLocalLoss() != LocalLoss.NONE ? new LossPass(conf, weights, x.shape(), units) : null;
        int parts = Partitions.count(units.count);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, part -> {
            HeapBlock xb = HeapBlock.scratch(0, dt, units.per, (int) h, (int) w);
            HeapBlock ob = HeapBlock.scratch(1, dt, units.per, (int) out.size(2), (int) out.size(3));
            double[][] strips = new double[steps.length][];
            for (int si = 0; si < steps.length; si++) {
                strips[si] = new double[units.per * steps[si].rows * steps[si].len];
            }
            LossPass pl = loss == null ? null : loss.fresh();
            partLoss[part] = pl;
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                int ki = units.kernel(u);
                xs.load(units.sample(u), units.channel(u), xb);
                ob.copyWindow(xb, 0, 0, t, l, (int) h, (int) w);
                for (int si = 0; si < steps.length; si++) {
                    Step st = steps[si];
                    double[] r = strips[si];
                    gather(ob, st, st.p, st.rows, r);
                    for (int ring = 1; ring <= st.p; ring++) {
                        int i = st.p - ring;
                        predictRow(r, 1, st.rows, st.len, i, st.kernels[ki], r, st.rows, i);
                    }
                    scatter(ob, st, 0, st.p, r);
                }
                if (pl != null) {
                    pl.add(xb, ki);
                }
                dst.access.store(ob, units.sample(u), units.channel(u));
            }
        });
        dst.finish();
        return loss == null ? null : loss.result(partLoss);
    }

    /**
     * Main-loss backward pass: writes {@code dL/dx (N, C, H, W)} into {@code dx} from {@code eps = dL/dy}, leaving
     * {@code eps} as it is. The predictor weights are constants here: their gradient comes from the local loss alone
     * ({@link #localLoss}).
     */
    public static void backward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray eps,
                                INDArray dx, String layerName) {
        backward(conf, Weights.read(conf, params), x, eps, dx, layerName);
    }

    static void backward(PaddingModule conf, Weights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
        PaddingPasses.choose(conf, computeType(dx)).backward(conf, weights, x, eps, dx, layerName);
    }

    /**
     * The backward pass without a copy, when the layout allows: adds the border's gradient onto its sources in
     * {@code eps} itself and returns {@code dL/dx} as the view of {@code eps}'s interior, as {@code ZeroPaddingLayer}
     * returns a view of its epsilon. Returns null (and leaves {@code eps} alone) when the chosen implementation cannot
     * (with border gradients on: the general passes never can; the float depthwise passes need FLOAT data whose
     * (n, c) planes are each contiguous, as in packed NCHW or the (C, N, H, W) layout of a convolution's input
     * gradient; the ND4J-ops passes always can); use {@link #backward} then.
     */
    static INDArray backwardInPlace(PaddingModule conf, Weights weights, INDArray x, INDArray eps, String layerName) {
        return PaddingPasses.choose(conf, computeType(eps)).backwardInPlace(conf, weights, x, eps, layerName);
    }

    /** The general backward pass, border gradients on (any configuration and data type). */
    static void backwardGeneral(PaddingModule conf, Weights weights, INDArray x, INDArray eps,
                                INDArray dx, String layerName) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        DataType dt = computeType(dx);
        int t = conf.getTop(), l = conf.getLeft(), tb = conf.getTop(), bb = conf.getBottom();
        StridedAccess es = packed(eps, dt);
        Destination dst = new Destination(dx, dt);
        Units units = new Units(conf, n, c);
        int per = units.per;
        Step[] steps = plan(conf, weights, h, w, units, layerName);
        int parts = Partitions.count(units.count);
        Partitions.run(parts, part -> {
            HeapBlock eb = HeapBlock.scratch(1, dt, per, (int) eps.size(2), (int) eps.size(3));
            HeapBlock db = HeapBlock.scratch(0, dt, per, (int) h, (int) w);
            // Gradients of the predicted top/bottom rows, (per, rows of that pad, W): from eps, plus what the column
            // predictors (which read them as context) send back.
            double[] gTop = new double[(int) (per * tb * w)];
            double[] gBottom = new double[(int) (per * bb * w)];
            double[][] strips = new double[steps.length][];
            for (int si = 0; si < steps.length; si++) {
                strips[si] = new double[per * steps[si].rows * steps[si].len];
            }
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                int ki = units.kernel(u);
                es.load(units.sample(u), units.channel(u), eb);
                db.copyWindow(eb, t, l, 0, 0, (int) h, (int) w);
                for (int ch = 0; ch < per; ch++) {
                    for (int i = 0; i < tb; i++) {
                        eb.read(eb.index(ch, i, l), 1, (int) w, gTop, (int) ((ch * tb + i) * w));
                    }
                    for (int i = 0; i < bb; i++) {
                        eb.read(eb.index(ch, (int) (t + h + i), l), 1, (int) w, gBottom, (int) ((ch * bb + i) * w));
                    }
                }
                for (int si = steps.length - 1; si >= 0; si--) {
                    Step st = steps[si];
                    int rows = st.rows;
                    double[] gr = strips[si];
                    Arrays.fill(gr, 0);
                    if (st.side.isRow()) {
                        double[] acc = st.side == Side.TOP ? gTop : gBottom;
                        int pr = st.side == Side.TOP ? tb : bb;
                        for (int ch = 0; ch < per; ch++) {
                            for (int q = 0; q < st.p; q++) {
                                long accRow = st.side == Side.TOP ? st.row(q, 0) : st.row(q, 0) - t - h;
                                System.arraycopy(acc, (int) ((ch * pr + accRow) * w), gr, (ch * rows + q) * st.len, st.len);
                            }
                        }
                    } else {
                        gather(eb, st, 0, st.p, gr);
                    }
                    // Rings were created inner first; undo them outer first.
                    for (int ring = st.p; ring >= 1; ring--) {
                        int i = st.p - ring;
                        predictRowBackward(gr, rows, i, 1, rows, st.len, i, st.kernels[ki], gr);
                    }
                    // Send the context's gradient on: interior positions to dx, predicted top/bottom rows to their
                    // accumulators (column contexts run over the row-extended map).
                    for (int ch = 0; ch < per; ch++) {
                        for (int q = st.p; q < rows; q++) {
                            int off = (ch * rows + q) * st.len;
                            if (st.side.isRow()) {
                                db.write(db.index(ch, (int) (st.row(q, 0) - t), 0), 1, (int) w, gr, off, true);
                            } else {
                                long col = st.col(q, 0) - l;
                                for (int i = 0; i < tb; i++) {
                                    gTop[(int) ((ch * tb + i) * w + col)] += gr[off + i];
                                }
                                for (int i = 0; i < bb; i++) {
                                    gBottom[(int) ((ch * bb + i) * w + col)] += gr[off + t + (int) h + i];
                                }
                            }
                        }
                        if (!st.side.isRow()) {
                            // The interior rows of the context columns.
                            for (int q = st.p; q < rows; q++) {
                                db.write(db.index(ch, 0, (int) (st.col(q, 0) - l)), (int) w, (int) h, gr,
                                        (ch * rows + q) * st.len + t, true);
                            }
                        }
                    }
                }
                dst.access.store(db, units.sample(u), units.channel(u));
            }
        });
        dst.finish();
    }

    /** The error every implementation throws when side s's local loss is not finite, before any update. */
    static IllegalArgumentException nonFiniteLoss(Side s) {
        return new IllegalArgumentException("the input's " + s.key() + " border rows/columns contain NaN or Inf (or "
                + "values so large the local loss overflows); training the predictor on them would make its weights "
                + "NaN. Check the data and the layers before the module (e.g. lower the learning rate)");
    }

    /** The local loss of one minibatch and its gradient by parameter name: what a training forward hands on. */
    static class LocalLossResult {
        /** The local loss; NaN if no side had a training pair. */
        final double loss;
        private final Map<String, double[]> grads;

        LocalLossResult(double loss, Map<String, double[]> grads) {
            this.loss = loss;
            this.grads = grads;
        }

        /** For results that hold their gradient elsewhere (and override {@link #writeTo}). */
        LocalLossResult(double loss) {
            this(loss, Map.of());
        }

        /** Overwrites {@code target}'s arrays (same keys and shapes as the parameters) with the gradient. */
        void writeTo(Map<String, INDArray> target) {
            grads.forEach((key, g) -> writeFlat(target.get(key), g));
        }
    }

    /**
     * Accumulates the local loss and its gradient one unit at a time (see "Local loss" above). The instance built from
     * the configuration holds the plan; {@link #fresh} gives each partition of a pass its own accumulators, and
     * {@link #result} adds the partitions' sums in order.
     */
    static final class LossPass {
        private final LocalLoss type;
        private final Side[] padded;
        private final int per;
        /** Per padded side: its kernels, by {@link Units#kernel}. */
        private final Kernel[][] kernels;
        /** Per padded side: its pair geometry, or null if the axis is shorter than k+1 (no training pair). */
        private final Step[] pairs;
        /** Per padded side: the number of predicted values in the minibatch (the mean's denominator). */
        private final double[] count;
        /** Per side: the sums of the weights' and biases' gradients, laid out like the parameters. */
        private final double[][] dW;
        private final double[][] dB;
        /** Per side: the sum of the squared (or absolute) errors. */
        private final double[] sum;
        private final double[][] band;
        private final double[] pred;
        private final double[] g;

        LossPass(PaddingModule conf, Weights weights, long[] shape, Units units) {
            type = conf.getLocalLoss();
            padded = conf.paddedSides();
            per = units.per;
            kernels = new Kernel[padded.length][];
            pairs = new Step[padded.length];
            count = new double[padded.length];
            long h = shape[2], w = shape[3];
            for (int si = 0; si < padded.length; si++) {
                Side s = padded[si];
                kernels[si] = weights.of(s);
                if (type != LocalLoss.NONE && (s.isRow() ? h : w) >= kernels[si][0].k + 1) {
                    pairs[si] = pairStep(s, kernels[si], h, w);
                    count[si] = (double) shape[0] * shape[1] * pairs[si].len;
                }
            }
            dW = new double[padded.length][];
            dB = new double[padded.length][];
            sum = new double[padded.length];
            band = new double[padded.length][];
            int maxLen = 0;
            for (int si = 0; si < padded.length; si++) {
                Kernel[] ks = kernels[si];
                dW[si] = new double[ks.length * ks[0].weight.length];
                dB[si] = new double[ks.length * ks[0].bias.length];
                if (pairs[si] != null) {
                    band[si] = new double[per * pairs[si].rows * pairs[si].len];
                    maxLen = Math.max(maxLen, pairs[si].len);
                }
            }
            pred = new double[per * maxLen];
            g = new double[per * maxLen];
        }

        private LossPass(LossPass plan) {
            type = plan.type;
            padded = plan.padded;
            per = plan.per;
            kernels = plan.kernels;
            pairs = plan.pairs;
            count = plan.count;
            dW = new double[padded.length][];
            dB = new double[padded.length][];
            sum = new double[padded.length];
            band = new double[padded.length][];
            for (int si = 0; si < padded.length; si++) {
                dW[si] = new double[plan.dW[si].length];
                dB[si] = new double[plan.dB[si].length];
                band[si] = plan.band[si] == null ? null : new double[plan.band[si].length];
            }
            pred = new double[plan.pred.length];
            g = new double[plan.g.length];
        }

        /** The number of padded sides (indices of {@link #pair} and the sums). */
        int sides() {
            return padded.length;
        }

        /** Padded side si's pair geometry, or null if it has no training pair. */
        Step pair(int si) {
            return pairs[si];
        }

        boolean isMse() {
            return type == LocalLoss.MSE;
        }

        /** Adds a sum of squared (or absolute) errors of side si. */
        void addError(int si, double errors) {
            sum[si] += errors;
        }

        /** Side si's weight-gradient sums, laid out like the parameter: the passes add into them. */
        double[] weightGradSums(int si) {
            return dW[si];
        }

        /** Side si's bias-gradient sums (one per channel): the passes add into them. */
        double[] biasGradSums(int si) {
            return dB[si];
        }

        /** Empty accumulators with this plan, for one partition of a pass. */
        LossPass fresh() {
            return new LossPass(this);
        }

        /** Adds the pairs of the unit in {@code xb}, whose kernels are at index {@code ki}. */
        void add(HeapBlock xb, int ki) {
            for (int si = 0; si < padded.length; si++) {
                Step st = pairs[si];
                if (st == null) {
                    continue;
                }
                Kernel kn = st.kernels[ki];
                int rows = st.rows, len = st.len;
                double[] a = band[si];
                gather(xb, st, 0, rows, a);
                predictRow(a, 1, rows, len, 0, kn, pred, 1, 0);
                double s = 0;
                boolean mse = type == LocalLoss.MSE;
                for (int ch = 0; ch < per; ch++) {
                    for (int j = 0; j < len; j++) {
                        int pi = ch * len + j;
                        double e = pred[pi] - a[ch * rows * len + j];
                        s += mse ? e * e : Math.abs(e);
                        g[pi] = mse ? 2 * e : Math.signum(e);
                    }
                }
                sum[si] += s;
                predictRowWeightGrad(a, 1, rows, len, kn, g, dW[si], ki * kn.weight.length, dB[si], ki * kn.bias.length);
            }
        }

        /**
         * The mean over sides with a pair of each side's mean loss, and its gradient, from the partitions' sums
         * (added in partition order).
         *
         * @throws IllegalArgumentException if the loss is not finite (NaN/Inf in the border rows/columns)
         */
        LocalLossResult result(LossPass[] parts) {
            for (LossPass p : parts) {
                for (int si = 0; si < padded.length; si++) {
                    sum[si] += p.sum[si];
                    addTo(dW[si], p.dW[si]);
                    addTo(dB[si], p.dB[si]);
                }
            }
            return result();
        }

        /** The loss and gradient from this instance's sums. */
        private LocalLossResult result() {
            int sides = 0;
            double total = 0;
            for (int si = 0; si < padded.length; si++) {
                if (pairs[si] == null) {
                    continue;
                }
                if (!Double.isFinite(sum[si])) {
                    throw nonFiniteLoss(padded[si]);
                }
                total += sum[si] / count[si];
                sides++;
            }
            Map<String, double[]> grads = new java.util.LinkedHashMap<>();
            for (int si = 0; si < padded.length; si++) {
                double f = pairs[si] == null ? 0 : 1.0 / (sides * count[si]);
                grads.put(padded[si].weightKey(), scaled(dW[si], f));
                grads.put(padded[si].biasKey(), scaled(dB[si], f));
            }
            return new LocalLossResult(sides == 0 ? Double.NaN : total / sides, grads);
        }

        private static void addTo(double[] acc, double[] v) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += v[i];
            }
        }

        private static double[] scaled(double[] v, double f) {
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] * f;
            }
            return out;
        }
    }

    /**
     * The local loss of {@code x} and its gradient with respect to every predictor parameter, written into
     * {@code grads} (same keys and shapes as {@code params}; overwritten). Returns NaN if no side has a training
     * pair (all padded axes shorter than k+1) or the loss is NONE.
     *
     * @throws IllegalArgumentException if the rows/columns it reads contain NaN or Inf (nothing is written then)
     */
    public static double localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x, Map<String, INDArray> grads) {
        return localLoss(conf, Weights.read(conf, params), x, grads);
    }

    static double localLoss(PaddingModule conf, Weights weights, INDArray x, Map<String, INDArray> grads) {
        return PaddingPasses.choose(conf, computeType(x)).localLoss(conf, weights, x, grads);
    }

    /** The general local loss (any configuration and data type). */
    static double localLossGeneral(PaddingModule conf, Weights weights, INDArray x, Map<String, INDArray> grads) {
        DataType dt = computeType(x);
        StridedAccess xs = packed(x, dt);
        Units units = new Units(conf, x.size(0), x.size(1));
        LossPass loss = new LossPass(conf, weights, x.shape(), units);
        int parts = Partitions.count(units.count);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, part -> {
            HeapBlock xb = HeapBlock.scratch(0, dt, units.per, (int) x.size(2), (int) x.size(3));
            LossPass pl = loss.fresh();
            partLoss[part] = pl;
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                xs.load(units.sample(u), units.channel(u), xb);
                pl.add(xb, units.kernel(u));
            }
        });
        LocalLossResult r = loss.result(partLoss);
        r.writeTo(grads);
        return r.loss;
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
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Units units = new Units(conf, n, c);
        Kernel[] ks = Kernel.of(conf, params, s).forUnits(units.per);
        int rows = ks[0].k + 1;
        if ((s.isRow() ? h : w) < rows) {
            throw new IllegalArgumentException("predictEdge needs at least k+1=" + rows + " rows/columns along "
                    + "the " + s.key() + " side's axis; the input is " + Arrays.toString(x.shape()));
        }
        Step st = pairStep(s, ks, h, w);
        int len = st.len, per = units.per;
        DataType dt = computeType(x);
        StridedAccess xs = packed(x, dt);
        HeapBlock xb = new HeapBlock(dt, per, (int) h, (int) w);
        double[] band = new double[per * rows * len];
        double[] p = new double[per * len];
        double[] pred = new double[(int) (n * c * len)];
        double[] target = new double[pred.length];
        for (int u = 0; u < units.count; u++) {
            xs.load(units.sample(u), units.channel(u), xb);
            gather(xb, st, 0, rows, band);
            predictRow(band, 1, rows, len, 0, ks[units.kernel(u)], p, 1, 0);
            int off = (int) ((units.sample(u) * c + units.channel(u)) * len);
            System.arraycopy(p, 0, pred, off, per * len);
            for (int ch = 0; ch < per; ch++) {
                System.arraycopy(band, ch * rows * len, target, off + ch * len, len);
            }
        }
        long[] shape = {n, c, len};
        return new INDArray[]{array(pred, shape, x.dataType()), array(target, shape, x.dataType())};
    }
}
