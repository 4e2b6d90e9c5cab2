package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Padding Module's forward, local-loss and backward passes built from ND4J ops only: no Java loop over elements
 * and no copy of an activation or gradient to the host, so that on a GPU backend they stay on the device (the Java
 * passes copy every activation to the host and back). Only the local loss's per-side sums, scalars, are read on the
 * host (to report the loss and to refuse NaN/Inf). The maths is {@link BorderPredictor}'s (same rings, order of
 * sides, clamping, local loss and gradients); what differs is that each ring of a side is computed for the whole
 * minibatch at once, as matrix products:
 * <ul>
 *   <li>the k context rows/columns of a side, for all samples, are copied into a packed band {@code B (C, k, N, L)},
 *       and its clamped windows along the border into {@code Win (C, k, w, N, L)} (w shifted copies);</li>
 *   <li>the prediction is {@code W (C, C·k·w) × Win (C·k·w, N·L)} (one GEMM) with channel mixing, and a batched
 *       product {@code (C, 1, k·w) × (C, k·w, N·L)} depthwise; the local loss's weight gradient is
 *       {@code G × Win^T};</li>
 *   <li>the backward pass passes a ring's gradient {@code G} through the windows' adjoint shifts first, giving
 *       {@code G' (C·w, N·L)}, then accumulates {@code W' × G'} (W rearranged to {@code (C·k, C·w)}) into a packed
 *       copy of the upstream gradient's band inside the GEMM ({@code beta = 1}), and copies the band back.</li>
 * </ul>
 * ND4J's element-wise arithmetic is slow on strided views (a band of a map) and its copies of views fast: hence the
 * packed copies (docs/benchmarks.md). The band is read in the map's own
 * order: for the bottom and right sides (whose canonical depth runs against the map's index) the weights are reversed along
 * the depth instead of the data.
 *
 * <p>Chosen by {@link PaddingPasses#choose} when the ND4J backend is not the CPU one, and on the CPU for channel
 * mixing on DOUBLE data (FLOAT channel mixing runs {@link FloatMixingPasses}, faster on the CPU);
 * {@link PaddingModule.Implementation#ND4J_OPS} selects it for any configuration. Not yet run on a GPU here:
 * tested on the CPU backend against the Java passes ({@code OpsPassesTest}). Arithmetic runs in the data's type
 * (float GEMMs sum in float, the Java passes in double), so float results differ from the Java passes' in the last
 * bits.
 */
final class OpsPasses implements PaddingPasses { // supports any configuration, data type and memory layout
    static final OpsPasses INSTANCE = new OpsPasses();

    private OpsPasses() {
    }

    @Override
    public LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out, String layerName,
                                   boolean training) {
        return pad(conf, weights.params, x, out, layerName, training, training ? weights.gradientBuffer() : null);
    }

    @Override
    public double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        return localLoss(conf, weights.params, x, grads).loss;
    }

    /** Works in {@code eps} whatever its layout. */
    @Override
    public INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName) {
        return addBorderGradient(conf, weights.params, x.size(2), x.size(3), eps);
    }

    @Override
    public void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
        dx.assign(addBorderGradient(conf, weights.params, x.size(2), x.size(3), eps.dup()));
    }

    /** One side's predictor as the ops read it. */
    private static final class SideKernel {
        final boolean mixing;
        final int c;
        final int k;
        final int w;
        /** The weights in parameter order, depth reversed for bottom/right: {@code (C, C, k, w)} or {@code (C, k, w)}. */
        final INDArray weight;
        /** {@code (C, 1)}. */
        final INDArray bias;
        final boolean reversed;
        /** Channel mixing's weights rearranged for {@link #addInputGrad}, {@code (C·k, C·w)}, made at first use. */
        private INDArray adjoint;

        SideKernel(PaddingModule conf, Map<String, INDArray> params, Side s, DataType dt) {
            mixing = conf.isChannelMixing();
            c = (int) conf.getNChannels();
            k = conf.getContextDepth();
            w = conf.getKernelWidth();
            reversed = !inward(s);
            INDArray wt = cast(params.get(s.weightKey()), dt);
            weight = reversed && k > 1 ? reverseDepth(wt, mixing) : wt;
            bias = cast(params.get(s.biasKey()), dt).reshape(c, 1);
        }

        /** {@code Win (C, k, w, N, L)} -> the prediction {@code (C, N·L)}, bias included. */
        INDArray predict(INDArray win) {
            long nl = win.size(3) * win.size(4);
            INDArray p = mixing ? Nd4j.gemm(weight.reshape('c', c, (long) c * k * w), win.reshape('c', (long) c * k * w, nl),
                    false, false)
                    : Nd4j.matmul(weight.reshape('c', c, 1, (long) k * w), win.reshape('c', c, (long) k * w, nl))
                    .reshape('c', c, nl);
            return p.addiColumnVector(bias);
        }

        /**
         * Adds to {@code gBand (C, k, N·L)} (packed) the gradient that {@link #predict} sends to the band read
         * through its windows, given {@code gShifted (C, w, N·L)}, the prediction's gradient passed through the
         * windows' adjoint shifts ({@link #adjointShifts}): {@code gBand[c,d] += sum_{o,u} W[o,c,d,u] gShifted[o,u]}.
         */
        void addInputGrad(INDArray gShifted, INDArray gBand) {
            long nl = gShifted.size(2);
            if (mixing) {
                if (adjoint == null) {
                    // Once per side and call, not per ring.
                    adjoint = weight.permute(1, 2, 0, 3).dup('c').reshape('c', (long) c * k, (long) c * w);
                }
                Nd4j.gemm(adjoint, gShifted.reshape('c', (long) c * w, nl), gBand.reshape('c', (long) c * k, nl),
                        false, false, 1.0, 1.0);
            } else {
                gBand.addi(Nd4j.matmul(weight, gShifted));
            }
        }

        /** The weight gradient {@code (C, C, k, w)} or {@code (C, k, w)} (parameter order) of {@link #predict}. */
        INDArray weightGrad(INDArray win, INDArray g) {
            long nl = g.size(1);
            INDArray dw = mixing ? Nd4j.gemm(g, win.reshape('c', (long) c * k * w, nl), false, true)
                    .reshape('c', c, c, k, w)
                    : Nd4j.matmul(g.reshape('c', c, 1, nl), win.reshape('c', c, (long) k * w, nl), false, true, false)
                    .reshape('c', c, k, w);
            return reversed && k > 1 ? reverseDepth(dw, mixing) : dw;
        }
    }

    /**
     * {@code a} (weights or their gradient, {@code (C, C, k, w)} or {@code (C, k, w)}) reversed along the depth, as a
     * packed (c order) array: k copies of depth slices. Not libnd4j's {@code Reverse} op: on this short inner
     * axis it costs far more than the GEMM that reads the result (docs/benchmarks.md); copies are exact.
     */
    static INDArray reverseDepth(INDArray a, boolean mixing) {
        int axis = mixing ? 2 : 1;
        long k = a.size(axis);
        INDArray out = Nd4j.createUninitialized(a.dataType(), a.shape(), 'c');
        for (long d = 0; d < k; d++) {
            depth(out, axis, d).assign(depth(a, axis, k - 1 - d));
        }
        return out;
    }

    /** The slice d of {@code a} along {@code axis} (a view). */
    private static INDArray depth(INDArray a, int axis, long d) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i == axis ? NDArrayIndex.point(d) : NDArrayIndex.all();
        }
        return a.get(idx);
    }

    private static INDArray cast(INDArray a, DataType dt) {
        return a.dataType() == dt ? a : a.castTo(dt);
    }

    /** True for the sides whose canonical depth runs with the map's index (top: rows down, left: columns right). */
    private static boolean inward(Side s) {
        return s == Side.TOP || s == Side.LEFT;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Views of a map (N, C, Hm, Wm) in a side's terms: a "line" is one row (top/bottom) or column (left/right) at map
    // index i over positions [a0, a1) along it; a band is k consecutive lines.

    /** The line at map index i as a {@code (C, N, L)} view. */
    private static INDArray line(INDArray m, Side s, long i, long a0, long a1) {
        INDArray v = s.isRow()
                ? m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.interval(a0, a1))
                : m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(a0, a1), NDArrayIndex.point(i));
        return v.permute(1, 0, 2);
    }

    /**
     * The k lines next to the line at map index i, on the inner side, as a {@code (C, k, N, L)} view in map order
     * (for bottom/right, depth k-1 first).
     */
    private static INDArray band(INDArray m, Side s, long i, int k, long a0, long a1) {
        long from = inward(s) ? i + 1 : i - k;
        if (s.isRow()) {
            return m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + k),
                    NDArrayIndex.interval(a0, a1)).permute(1, 2, 0, 3);
        }
        return m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(a0, a1),
                NDArrayIndex.interval(from, from + k)).permute(1, 3, 0, 2);
    }

    /** Positions [from, to) of the last axis of an array. */
    private static INDArray along(INDArray a, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        for (int i = 0; i < idx.length - 1; i++) {
            idx[i] = NDArrayIndex.all();
        }
        idx[idx.length - 1] = NDArrayIndex.interval(from, to);
        return a.get(idx);
    }

    /** Slice u of axis 2 of a rank-5 array. */
    private static INDArray tap(INDArray a, int u) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(u), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * A packed (c order) copy of {@code a}. ND4J's element-wise arithmetic is slow on strided views (such as a band of a map)
     * and its copies of views fast (docs/benchmarks.md): the passes copy what they read into packed arrays, compute there, and copy results back.
     */
    private static INDArray packed(INDArray a) {
        return Nd4j.createUninitialized(a.dataType(), a.shape(), 'c').assign(a);
    }

    /**
     * The clamped windows of width w along the last axis of {@code band (C, k, N, L)}:
     * {@code Win[c, d, u, n, j] = band[c, d, n, clamp(j + u - w/2)]}, shape {@code (C, k, w, N, L)}, c order.
     * For each u: the in-range part is one copy of a shifted slice, the clamped ends copies of the end position.
     */
    private static INDArray windows(INDArray band, int w) {
        long len = band.size(3);
        int h = w / 2;
        INDArray win = Nd4j.createUninitialized(band.dataType(),
                new long[]{band.size(0), band.size(1), w, band.size(2), len}, 'c');
        for (int u = 0; u < w; u++) {
            int o = u - h;
            // Positions j with 0 <= j + o < len read band[j + o]; the others the clamped end.
            long lo = Math.min(len, Math.max(0, -o)), hi = Math.max(lo, Math.min(len, len - o));
            INDArray t = tap(win, u);
            if (hi > lo) {
                along(t, lo, hi).assign(along(band, lo + o, hi + o));
            }
            for (long j = 0; j < lo; j++) {
                along(t, j, j + 1).assign(along(band, 0, 1));
            }
            for (long j = hi; j < len; j++) {
                along(t, j, j + 1).assign(along(band, len - 1, len));
            }
        }
        return win;
    }

    /**
     * The prediction's gradient {@code g (C, N, L)} passed back through each window's clamped shift (the adjoint
     * of {@link #windows}, before the weights): {@code out[c, u, n, m] = sum over j with clamp(j + u - w/2) = m of
     * g[c, n, j]}, shape {@code (C, w, N·L)}, c order.
     */
    private static INDArray adjointShifts(INDArray g, int w) {
        long c = g.size(0), n = g.size(1), len = g.size(2);
        int h = w / 2;
        INDArray out = Nd4j.createUninitialized(g.dataType(), new long[]{c, w, n, len}, 'c');
        for (int u = 0; u < w; u++) {
            int o = u - h;
            INDArray t = out.get(NDArrayIndex.all(), NDArrayIndex.point(u), NDArrayIndex.all(), NDArrayIndex.all());
            // Position m receives g[m - o] where 0 <= m - o < len, plus, at the ends, what the clamped reads sent.
            long lo = Math.min(len, Math.max(0, o)), hi = Math.max(lo, Math.min(len, len + o));
            if (hi > lo) {
                along(t, lo, hi).assign(along(g, lo - o, hi - o));
            }
            if (lo > 0) {
                along(t, 0, lo).assign(0);
            }
            if (hi < len) {
                along(t, hi, len).assign(0);
            }
            if (o < 0) {
                along(t, 0, 1).addi(along(g, 0, Math.min(len, -o)).sum(true, 2));
            } else if (o > 0) {
                along(t, len - 1, len).addi(along(g, Math.max(0, len - o), len).sum(true, 2));
            }
        }
        return out.reshape('c', c, w, n * len);
    }

    /** The step from a line to the one next to it on the inner side. */
    private static int inwardStep(Side s) {
        return inward(s) ? 1 : -1;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // The passes.

    /**
     * Pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)}; when {@code training} and the module has a
     * local loss, also computes the local loss of {@code x} and its gradient. Returns null otherwise.
     */
    static LocalLossResult pad(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out,
                               String layerName, boolean training) {
        return pad(conf, params, x, out, layerName, training, null);
    }

    /** {@link #pad} keeping the local loss's gradient in {@code gradientBuffer} (see {@link #localLoss}). */
    static LocalLossResult pad(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out,
                               String layerName, boolean training, Map<String, INDArray> gradientBuffer) {
        long h = x.size(2), w = x.size(3), ho = out.size(2);
        DataType dt = out.dataType();
        out.get(ArrayAccess.interior(conf, h, w)).assign(x);
        for (Side s : conf.paddedSides()) {
            long axis = s.isRow() ? h : w;
            long a0 = s.isRow() ? conf.getLeft() : 0, a1 = s.isRow() ? conf.getLeft() + w : ho;
            boolean small = axis < conf.getContextDepth();
            if (small) {
                SidePlan.warnSmall(layerName, s, axis, conf.getContextDepth());
            }
            SideKernel kn = small ? null : new SideKernel(conf, params, s, dt);
            for (int ring = 1; ring <= conf.amount(s); ring++) {
                long i = conf.amounts().ringIndex(s, ring, h, w);
                INDArray target = line(out, s, i, a0, a1);
                if (small) {
                    // Replicate padding: the ring is a copy of the line inside it.
                    target.assign(line(out, s, i + inwardStep(s), a0, a1));
                    continue;
                }
                INDArray p = kn.predict(windows(packed(band(out, s, i, kn.k, a0, a1)), kn.w));
                target.assign(p.reshape('c', target.shape()));
            }
        }
        if (!training || conf.getLocalLoss() == LocalLoss.NONE) {
            return null;
        }
        return localLoss(conf, params, x, gradientBuffer);
    }

    /**
     * Adds the border's gradient onto its sources in {@code eps = dL/dy (N, C, H+t+b, W+l+r)} itself and returns
     * {@code dL/dx} as the view of {@code eps}'s interior (the predictor weights are constants here).
     */
    static INDArray addBorderGradient(PaddingModule conf, Map<String, INDArray> params, long h, long w, INDArray eps) {
        if (conf.isBorderGradient()) {
            long ho = eps.size(2);
            Side[] sides = conf.paddedSides();
            // Undo the sides last first and each side's rings outer first: a ring's gradient is complete once every
            // ring (and, for the rows, every column) that read it has sent its share back.
            for (int si = sides.length - 1; si >= 0; si--) {
                Side s = sides[si];
                long axis = s.isRow() ? h : w;
                long a0 = s.isRow() ? conf.getLeft() : 0, a1 = s.isRow() ? conf.getLeft() + w : ho;
                boolean small = axis < conf.getContextDepth();
                SideKernel kn = small ? null : new SideKernel(conf, params, s, eps.dataType());
                for (int ring = conf.amount(s); ring >= 1; ring--) {
                    long i = conf.amounts().ringIndex(s, ring, h, w);
                    INDArray g = line(eps, s, i, a0, a1);
                    if (small) {
                        line(eps, s, i + inwardStep(s), a0, a1).addi(g);
                        continue;
                    }
                    INDArray bandView = band(eps, s, i, kn.k, a0, a1);
                    INDArray gBand = packed(bandView);
                    kn.addInputGrad(adjointShifts(packed(g), kn.w),
                            gBand.reshape('c', kn.c, kn.k, gBand.size(2) * gBand.size(3)));
                    bandView.assign(gBand);
                }
            }
        }
        return eps.get(ArrayAccess.interior(conf, h, w));
    }

    /**
     * The local loss of {@code x} and its gradient by parameter name (see BorderPredictor's "Local loss"): each
     * padded side with at least k+1 rows/columns along its axis predicts its outermost row/column from the k inside.
     *
     * @throws IllegalArgumentException if the loss is not finite (NaN/Inf in the rows/columns it reads)
     */
    static LocalLossResult localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x) {
        return localLoss(conf, params, x, null);
    }

    /**
     * {@link #localLoss(PaddingModule, Map, INDArray)} writing the gradient into {@code into} (arrays with the
     * parameters' keys and shapes, overwritten; the result then refers to them) or, if null, into fresh arrays
     * outside any workspace (the gradient outlives the forward pass's working memory).
     */
    static LocalLossResult localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x,
                                     Map<String, INDArray> into) {
        long h = x.size(2), w = x.size(3);
        int k = conf.getContextDepth();
        DataType dt = x.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        INDArray xc = cast(x, dt);
        Side[] sides = conf.paddedSides();
        int pairs = 0;
        for (Side s : sides) {
            pairs += (s.isRow() ? h : w) >= k + 1 ? 1 : 0;
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        double total = 0;
        for (Side s : sides) {
            INDArray pw = params.get(s.weightKey()), pb = params.get(s.biasKey());
            if (conf.getLocalLoss() == LocalLoss.NONE || (s.isRow() ? h : w) < k + 1) {
                grads.put(s.weightKey(), kept(into, s.weightKey(), Nd4j.zeros(pw.dataType(), pw.shape())));
                grads.put(s.biasKey(), kept(into, s.biasKey(), Nd4j.zeros(pb.dataType(), pb.shape())));
                continue;
            }
            long i = s == Side.TOP || s == Side.LEFT ? 0 : (s.isRow() ? h : w) - 1;
            long len = s.isRow() ? w : h;
            SideKernel kn = new SideKernel(conf, params, s, dt);
            INDArray win = windows(packed(band(xc, s, i, k, 0, len)), kn.w);
            INDArray e = kn.predict(win).reshape('c', kn.c, x.size(0), len).subi(packed(line(xc, s, i, 0, len)));
            double count = (double) e.length();
            boolean mse = conf.getLocalLoss() == LocalLoss.MSE;
            double sum = mse ? e.mul(e).sumNumber().doubleValue() : Transforms.abs(e, true).sumNumber().doubleValue();
            if (!Double.isFinite(sum)) {
                throw LossPass.nonFiniteLoss(s);
            }
            total += sum / count;
            double f = 1.0 / (pairs * count);
            INDArray g = (mse ? e.muli(2 * f) : Transforms.sign(e, false).muli(f)).reshape('c', kn.c, e.length() / kn.c);
            grads.put(s.weightKey(), kept(into, s.weightKey(), cast(kn.weightGrad(win, g), pw.dataType())));
            grads.put(s.biasKey(), kept(into, s.biasKey(), cast(g.sum(1), pb.dataType()).reshape(pb.shape())));
        }
        double loss = pairs == 0 || conf.getLocalLoss() == LocalLoss.NONE ? Double.NaN : total / pairs;
        return new Result(loss, grads);
    }

    /** {@code a} copied to where the gradient for {@code key} is kept ({@link LocalLossResult#gradientTarget}). */
    private static INDArray kept(Map<String, INDArray> into, String key, INDArray a) {
        INDArray target = LocalLossResult.gradientTarget(into, key, a);
        return target.assign(a.reshape(target.shape()));
    }

    /** The ops' local loss and gradient, written into the gradient views by ND4J assigns. */
    static final class Result extends LocalLossResult {
        private final Map<String, INDArray> grads;

        Result(double loss, Map<String, INDArray> grads) {
            super(loss);
            this.grads = grads;
        }

        @Override
        void writeTo(Map<String, INDArray> target) {
            grads.forEach((key, g) -> {
                INDArray t = target.get(key);
                if (t != g) {
                    t.assign(g.reshape(t.shape()));
                }
            });
        }
    }
}
