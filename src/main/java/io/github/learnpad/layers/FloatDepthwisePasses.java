package io.github.learnpad.layers;

import io.github.learnpad.layers.ArrayAccess.Destination;
import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.learnpad.layers.Correlation.clamp;

import java.util.Arrays;
import java.util.Map;

/**
 * {@link BorderPredictor}'s forward, local-loss and backward passes specialised for the default configuration:
 * FLOAT data and the depthwise predictor. Same maths, same order of rings and sides, same clamping; what differs is
 * only how the work is laid out, because in a training step of a small layer the layout is the cost:
 * <ul>
 *   <li>each unit (one (n, c) plane) is read into a float array on the heap with bulk reads (the forward pass reads
 *       the input's rows straight into the interior of the output plane), and the predictor reads and writes that
 *       plane in place, in float, walking a side's rows or columns by index steps ({@link SidePlan#origin},
 *       {@link SidePlan#qStep}, {@link SidePlan#jStep}) instead of gathering them into double strips;</li>
 *   <li>the planes are walked in the order they lie in memory ({@link PlaneOrder}): NCHW and the (C, N, H, W) layout
 *       of DL4J's convolutions are both read without a copy;</li>
 *   <li>the local loss of a unit is computed in the training forward pass, while the unit is in cache;</li>
 *   <li>the backward pass works in the upstream gradient itself: each plane is read, the predictors' input gradients
 *       are added into it (the predicted top/bottom rows' gradients then already hold what the column predictors
 *       sent back), and it is written back while still in cache; its interior is the input gradient.</li>
 * </ul>
 * Each partition sums its local-loss gradient on its own and the partitions are added in order. Products are summed
 * in double; values, and the gradients the backward pass accumulates in the plane, are stored as float, as ND4J does
 * for float arrays. Tests check these passes against the general ones ({@code FloatDepthwisePassesTest}) for every
 * side, ring count, context depth and window width.
 */
final class FloatDepthwisePasses implements PaddingPasses {
    static final FloatDepthwisePasses INSTANCE = new FloatDepthwisePasses();

    private FloatDepthwisePasses() {
    }

    /**
     * Whether the JVM computes {@link Math#fma} in one instruction (HotSpot's {@code UseFMA}: x86 CPUs since 2013,
     * ARMv8). Without the instruction {@code Math.fma} is computed in software, far slower than a multiply and an add.
     */
    private static final boolean FMA = hardwareFma();

    private static boolean hardwareFma() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return vm != null && "true".equals(vm.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * {@code a * b + c}, fused where the CPU can: the sweeps below are bound by their multiply-adds
     * (docs/benchmarks.md). The last bits differ from a multiply and an add; the tests'
     * tolerances for the fast path against the general one allow for that.
     */
    private static double fma(double a, double b, double c) {
        return FMA ? Math.fma(a, b, c) : a * b + c;
    }

    /** FLOAT data, the depthwise predictor, NCHW. */
    @Override
    public boolean supports(PaddingModule conf, DataType dt) {
        return !conf.isChannelMixing() && dt == DataType.FLOAT;
    }

    /** True if {@code x} is FLOAT in the (C, N, H, W) layout of a convolution's output: the walk is channel-major. */
    @Override
    public boolean keepsChannelMajor(INDArray x) {
        return PlaneOrder.isConvolutionLayout(x);
    }

    @Override
    public LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out,
                                   String layerName, boolean training) {
        int h = (int) x.size(2), w = (int) x.size(3), ho = (int) out.size(2), wo = (int) out.size(3);
        int t = conf.getTop(), l = conf.getLeft();
        StridedAccess xs = StridedAccess.planes(x);
        Destination dst = new Destination(out, DataType.FLOAT, true);
        MinibatchWalk units = new MinibatchWalk(conf, x.size(0), x.size(1));
        SidePlan[] steps = SidePlan.plan(conf, weights, h, w, units, layerName);
        LossPass loss = training && conf.getLocalLoss() != LocalLoss.NONE ? new LossPass(conf, weights, x.shape(), units) : null;
        int maxLen = Math.max(ho, wo);
        PlaneOrder order = new PlaneOrder(x, xs);
        int parts = Partitions.count(order.planes);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, (long) order.planes * ho * wo, part -> {
            LossPass pl = loss == null ? null : loss.fresh();
            partLoss[part] = pl;
            HeapBlock ob = HeapBlock.scratch(1, DataType.FLOAT, 1, ho, wo);
            float[] op = ob.f;
            double[] acc = new double[maxLen];
            double[] g = new double[maxLen];
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int c = order.channel(u), sample = order.sample(u);
                // The input goes straight into the interior of the output plane, where the local loss reads it too.
                xs.loadRows(sample, c, op, t * wo + l, wo);
                for (SidePlan st : steps) {
                    SidePredictor kn = st.kernels[c];
                    int o = st.origin(wo), qs = st.qStep(wo), js = st.jStep(wo);
                    for (int ring = 1; ring <= st.p; ring++) {
                        int i = st.p - ring;
                        predict(op, o, qs, js, st.len, i, kn, acc);
                        for (int j = 0; j < st.len; j++) {
                            op[o + i * qs + j * js] = (float) acc[j];
                        }
                    }
                }
                if (pl != null) {
                    addLoss(pl, op, wo, t * wo + l, c, acc, g);
                }
                dst.access.store(ob, sample, c);
            }
        });
        dst.finish();
        return loss == null ? null : loss.result(partLoss);
    }

    @Override
    public double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        int h = (int) x.size(2), w = (int) x.size(3);
        StridedAccess xs = StridedAccess.planes(x);
        MinibatchWalk units = new MinibatchWalk(conf, x.size(0), x.size(1));
        LossPass loss = new LossPass(conf, weights, x.shape(), units);
        PlaneOrder order = new PlaneOrder(x, xs);
        int parts = Partitions.count(order.planes);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, (long) order.planes * h * w, part -> {
            HeapBlock xb = HeapBlock.scratch(0, DataType.FLOAT, 1, h, w);
            double[] acc = new double[Math.max(h, w)];
            double[] g = new double[acc.length];
            LossPass pl = loss.fresh();
            partLoss[part] = pl;
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                xs.load(order.sample(u), order.channel(u), xb);
                addLoss(pl, xb.f, w, 0, order.channel(u), acc, g);
            }
        });
        LocalLossResult r = loss.result(partLoss);
        r.writeTo(grads);
        return r.loss;
    }

    /** Works in {@code eps} when it is FLOAT with contiguous (n, c) planes (packed NCHW or a convolution's layout). */
    @Override
    public INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName) {
        long h = x.size(2), w = x.size(3);
        if (GeneralPasses.hasBorderGradient(conf)) {
            if (eps.dataType() != DataType.FLOAT || !StridedAccess.of(eps).planesContiguous()) {
                return null;
            }
            addBorderGradient(conf, weights, h, w, eps, layerName);
        }
        return eps.get(ArrayAccess.interior(conf, h, w));
    }

    @Override
    public void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
        INDArray work = eps.castTo(DataType.FLOAT).dup('c');
        dx.assign(backwardInPlace(conf, weights, x, work, layerName));
    }

    /**
     * Adds the border's gradient onto its sources in {@code eps} (FLOAT,
     * {@code (N, C, H+t+b, W+l+r)} for an input {@code h x w}, with
     * {@link StridedAccess#planesContiguous contiguous planes}), whose interior is then dL/dx. Only called with border
     * gradients on.
     */
    private static void addBorderGradient(PaddingModule conf, PredictorWeights weights, long h, long w, INDArray eps,
                                          String layerName) {
        int ho = (int) eps.size(2), wo = (int) eps.size(3);
        StridedAccess es = StridedAccess.of(eps);
        MinibatchWalk units = new MinibatchWalk(conf, eps.size(0), eps.size(1));
        SidePlan[] steps = SidePlan.plan(conf, weights, h, w, units, layerName);
        PlaneOrder order = new PlaneOrder(eps, es);
        int parts = Partitions.count(order.planes);
        Partitions.run(parts, (long) order.planes * ho * wo, part -> {
            HeapBlock eb = HeapBlock.scratch(1, DataType.FLOAT, 1, ho, wo);
            float[] ep = eb.f;
            double[] g = new double[Math.max(ho, wo)];
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int c = order.channel(u), sample = order.sample(u);
                es.load(sample, c, eb);
                // Undo the sides last first and each side's rings outer first, adding each predicted ring's gradient
                // into the positions it was predicted from: ep then holds dL/d(row-extended map), its interior dL/dx.
                for (int si = steps.length - 1; si >= 0; si--) {
                    SidePlan st = steps[si];
                    SidePredictor kn = st.kernels[c];
                    int o = st.origin(wo), qs = st.qStep(wo), js = st.jStep(wo);
                    for (int i = 0; i < st.p; i++) {
                        for (int j = 0; j < st.len; j++) {
                            g[j] = ep[o + i * qs + j * js];
                        }
                        if (kn.is2x3(st.len)) {
                            backward2x3(g, st.len, kn.weight, ep, o + (i + 1) * qs, o + (i + 2) * qs, js);
                            continue;
                        }
                        for (int d = 0; d < kn.k; d++) {
                            tapsBackward(g, st.len, kn.weight, d * kn.w, kn.w, ep, o + (i + 1 + d) * qs, js);
                        }
                    }
                }
                // The plane was just read, so writing it back whole stays in cache (only the border frame changed).
                es.store(eb, sample, c);
            }
        });
        es.commit();
    }

    /** {@code acc[0 .. len) =} the prediction of canonical row i from rows i+1 .. i+k of the plane {@code a}. */
    private static void predict(float[] a, int o, int qs, int js, int len, int i, SidePredictor kn, double[] acc) {
        if (kn.is2x3(len)) {
            predict2x3(a, o + (i + 1) * qs, o + (i + 2) * qs, js, len, kn.weight, kn.bias[0], acc);
            return;
        }
        Arrays.fill(acc, 0, len, kn.bias[0]);
        for (int d = 0; d < kn.k; d++) {
            taps(a, o + (i + 1 + d) * qs, js, len, kn.weight, d * kn.w, kn.w, acc);
        }
    }

    /**
     * Adds the local-loss pairs of channel c's input plane to {@code pl}'s sums: the plane's element (i, j) is
     * {@code a[base + i * planeW + j]}.
     */
    private static void addLoss(LossPass pl, float[] a, int planeW, int base, int c, double[] acc, double[] g) {
        boolean mse = pl.isMse();
        for (int si = 0; si < pl.sides(); si++) {
            SidePlan st = pl.pair(si);
            if (st == null) {
                continue;
            }
            SidePredictor kn = st.kernels[c];
            int o = base + st.origin(planeW), qs = st.qStep(planeW), js = st.jStep(planeW), len = st.len;
            if (kn.is2x3(len)) {
                pl.addError(si, loss2x3(a, o, o + qs, o + 2 * qs, js, len, kn.weight, kn.bias[0], mse,
                        pl.weightGradSums(si), c * 6, pl.biasGradSums(si), c));
                continue;
            }
            predict(a, o, qs, js, len, 0, kn, acc);
            double s = 0, gs = 0;
            for (int j = 0; j < len; j++) {
                double e = acc[j] - a[o + j * js];
                s += mse ? e * e : Math.abs(e);
                g[j] = mse ? 2 * e : Math.signum(e);
                gs += g[j];
            }
            pl.addError(si, s);
            pl.biasGradSums(si)[c] += gs;
            int kw = kn.k * kn.w;
            for (int d = 0; d < kn.k; d++) {
                tapsWeightGrad(a, o + (1 + d) * qs, js, len, g, kn.w, pl.weightGradSums(si), c * kw + d * kn.w);
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------------------
    // The defaults k = 2, w = 3 in one sweep over both context rows, where that is faster than a sweep per row (the
    // prediction and the backward; not the weight gradient, which keeps a sweep per row): docs/benchmarks.md.

    /**
     * {@link #predict} for k = 2, w = 3: {@code acc[j] = b + sum_u wt[u] x1[clamp(j+u-1)] + wt[3+u] x2[clamp(j+u-1)]},
     * with the rows at {@code s1} and {@code s2} read through sliding windows.
     */
    private static void predict2x3(float[] x, int s1, int s2, int js, int len, double[] wt, double b, double[] acc) {
        double u0 = wt[0], u1 = wt[1], u2 = wt[2], v0 = wt[3], v1 = wt[4], v2 = wt[5];
        // Windows at clamped (j-1, j, j+1) of row 1 (l1, m1, r1) and row 2 (l2, m2, r2).
        double l1 = x[s1], m1 = l1, r1 = x[s1 + js];
        double l2 = x[s2], m2 = l2, r2 = x[s2 + js];
        int step = 2 * js;
        for (int j = 0; j < len - 2; j++, step += js) {
            acc[j] = taps2x3(u0, u1, u2, v0, v1, v2, b, l1, m1, r1, l2, m2, r2);
            l1 = m1;
            m1 = r1;
            r1 = x[s1 + step];
            l2 = m2;
            m2 = r2;
            r2 = x[s2 + step];
        }
        acc[len - 2] = taps2x3(u0, u1, u2, v0, v1, v2, b, l1, m1, r1, l2, m2, r2);
        acc[len - 1] = taps2x3(u0, u1, u2, v0, v1, v2, b, m1, r1, r1, m2, r2, r2);
    }

    /** One position's prediction from the windows (l, m, r) of both rows: two chains of fused multiply-adds. */
    private static double taps2x3(double u0, double u1, double u2, double v0, double v1, double v2, double b,
                                  double l1, double m1, double r1, double l2, double m2, double r2) {
        return fma(u2, r1, fma(u1, m1, fma(u0, l1, b))) + fma(v2, r2, fma(v1, m2, v0 * l2));
    }

    /**
     * {@link #addLoss} of one side for k = 2, w = 3 in one sweep: the prediction of the target row at {@code s0} from
     * the rows at {@code s1} and {@code s2} ({@link #predict2x3}'s windows), the residual, and the weight and bias
     * gradients (each tap's value times the residual's gradient), all in registers. Adds the gradients to
     * {@code dW[di .. di+6)} and {@code dB[bi]}; returns the sum of squared (or absolute) errors. One sweep
     * with fused multiply-adds beats a prediction, a residual and a weight-gradient sweep per context row
     * (docs/benchmarks.md).
     */
    private static double loss2x3(float[] x, int s0, int s1, int s2, int js, int len, double[] wt, double b,
                                  boolean mse, double[] dW, int di, double[] dB, int bi) {
        double u0 = wt[0], u1 = wt[1], u2 = wt[2], v0 = wt[3], v1 = wt[4], v2 = wt[5];
        double sum = 0, gb = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
        double l1 = x[s1], m1 = l1, l2 = x[s2], m2 = l2;
        int at0 = s0, at1 = s1 + js, at2 = s2 + js;
        for (int j = 0; j < len; j++, at0 += js, at1 += js, at2 += js) {
            // Past the last position the right neighbour is the position itself (clamped).
            boolean inside = j < len - 1;
            double r1 = inside ? x[at1] : m1, r2 = inside ? x[at2] : m2;
            double e = taps2x3(u0, u1, u2, v0, v1, v2, b, l1, m1, r1, l2, m2, r2) - x[at0];
            double g;
            if (mse) {
                sum = fma(e, e, sum);
                g = 2 * e;
            } else {
                sum += Math.abs(e);
                g = Math.signum(e);
            }
            gb += g;
            g0 = fma(g, l1, g0);
            g1 = fma(g, m1, g1);
            g2 = fma(g, r1, g2);
            g3 = fma(g, l2, g3);
            g4 = fma(g, m2, g4);
            g5 = fma(g, r2, g5);
            l1 = m1;
            m1 = r1;
            l2 = m2;
            m2 = r2;
        }
        dW[di] += g0;
        dW[di + 1] += g1;
        dW[di + 2] += g2;
        dW[di + 3] += g3;
        dW[di + 4] += g4;
        dW[di + 5] += g5;
        dB[bi] += gb;
        return sum;
    }

    /** {@link #tapsBackward3} into both context rows (k = 2) in one sweep, the ring's gradient read once. */
    private static void backward2x3(double[] g, int len, double[] wt, float[] gx, int s1, int s2, int js) {
        double u0 = wt[0], u1 = wt[1], u2 = wt[2], v0 = wt[3], v1 = wt[4], v2 = wt[5];
        double gPrev = g[0], gCur = g[0], gNext = g[1];
        // Position 0 also receives what the clamped taps of positions 0 and 1 sent it.
        gx[s1] += (float) (u0 * (gCur + gNext) + u1 * gCur);
        gx[s2] += (float) (v0 * (gCur + gNext) + v1 * gCur);
        int at1 = s1 + js, at2 = s2 + js;
        for (int m = 1; m < len - 1; m++, at1 += js, at2 += js) {
            gPrev = gCur;
            gCur = gNext;
            gNext = g[m + 1];
            gx[at1] += (float) fma(u0, gNext, fma(u1, gCur, u2 * gPrev));
            gx[at2] += (float) fma(v0, gNext, fma(v1, gCur, v2 * gPrev));
        }
        double ga = g[len - 2], gb = g[len - 1];
        gx[s1 + (len - 1) * js] += (float) (u2 * (ga + gb) + u1 * gb);
        gx[s2 + (len - 1) * js] += (float) (v2 * (ga + gb) + v1 * gb);
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Correlation's taps, taps backward and taps weight gradient, reading a float plane with an index step.

    /** {@code out[j] += sum_u wt[wi + u] * x[s + clamp(j + u - w/2) * js]} for {@code j < len}. */
    private static void taps(float[] x, int s, int js, int len, double[] wt, int wi, int w, double[] out) {
        if (SidePredictor.width3(w, len)) {
            taps3(x, s, js, len, wt[wi], wt[wi + 1], wt[wi + 2], out);
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            double c = wt[wi + u];
            for (int j = 0; j < len; j++) {
                out[j] += c * x[s + clamp(j + u - h, len) * js];
            }
        }
    }

    /** {@link #taps} for w = 3, in a small method of its own (so that the JIT inlines it) with a sliding window. */
    private static void taps3(float[] x, int s, int js, int len, double w0, double w1, double w2, double[] out) {
        double left = x[s], mid = left, right = x[s + js];
        int at = s + 2 * js;
        for (int j = 0; j < len - 2; j++, at += js) {
            out[j] += w0 * left + w1 * mid + w2 * right;
            left = mid;
            mid = right;
            right = x[at];
        }
        out[len - 2] += w0 * left + w1 * mid + w2 * right;
        out[len - 1] += w0 * mid + (w1 + w2) * right;
    }

    /** The transpose of {@link #taps}: adds into the float plane {@code gx} at {@code s + m * js}. */
    private static void tapsBackward(double[] g, int len, double[] wt, int wi, int w, float[] gx, int s, int js) {
        if (SidePredictor.width3(w, len)) {
            tapsBackward3(g, len, wt[wi], wt[wi + 1], wt[wi + 2], gx, s, js);
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            double c = wt[wi + u];
            for (int j = 0; j < len; j++) {
                gx[s + clamp(j + u - h, len) * js] += (float) (c * g[j]);
            }
        }
    }

    /**
     * {@link #tapsBackward} for w = 3: position m receives {@code w0 g[m+1] + w1 g[m] + w2 g[m-1]}, the ends also
     * what the clamped taps sent them.
     */
    private static void tapsBackward3(double[] g, int len, double w0, double w1, double w2, float[] gx, int s, int js) {
        gx[s] += (float) (w0 * (g[0] + g[1]) + w1 * g[0]);
        int at = s + js;
        for (int m = 1; m < len - 1; m++, at += js) {
            gx[at] += (float) (w0 * g[m + 1] + w1 * g[m] + w2 * g[m - 1]);
        }
        gx[s + (len - 1) * js] += (float) (w2 * (g[len - 2] + g[len - 1]) + w1 * g[len - 1]);
    }

    /** The weight gradient of {@link #taps}: {@code dW[di + u] += sum_j g[j] * x[s + clamp(j + u - w/2) * js]}. */
    private static void tapsWeightGrad(float[] x, int s, int js, int len, double[] g, int w, double[] dW, int di) {
        if (SidePredictor.width3(w, len)) {
            tapsWeightGrad3(x, s, js, len, g, dW, di);
            return;
        }
        int h = w / 2;
        for (int u = 0; u < w; u++) {
            double acc = 0;
            for (int j = 0; j < len; j++) {
                acc += g[j] * x[s + clamp(j + u - h, len) * js];
            }
            dW[di + u] += acc;
        }
    }

    /** {@link #tapsWeightGrad} for w = 3: three independent sums over a sliding window. */
    private static void tapsWeightGrad3(float[] x, int s, int js, int len, double[] g, double[] dW, int di) {
        double left = x[s], mid = left, right = x[s + js];
        double s0 = 0, s1 = 0, s2 = 0;
        int at = s + 2 * js;
        for (int j = 0; j < len - 2; j++, at += js) {
            double gj = g[j];
            s0 += gj * left;
            s1 += gj * mid;
            s2 += gj * right;
            left = mid;
            mid = right;
            right = x[at];
        }
        double ga = g[len - 2], gb = g[len - 1];
        dW[di] += s0 + ga * left + gb * mid;
        dW[di + 1] += s1 + ga * mid + gb * right;
        dW[di + 2] += s2 + ga * right + gb * right;
    }
}
