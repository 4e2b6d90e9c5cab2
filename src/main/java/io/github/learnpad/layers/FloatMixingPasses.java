package io.github.learnpad.layers;

import io.github.learnpad.layers.ArrayAccess.Destination;
import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link BorderPredictor}'s passes for channel mixing on FLOAT data on the CPU: the matrix products in ND4J's GEMM,
 * the data movement around them in Java over heap arrays. Same maths, order of sides and rings, and clamping as the
 * other passes. The map is read and written plane by plane, in the order its (n, c) planes lie in memory (as
 * {@link FloatDepthwisePasses} does), in three steps:
 * <ol>
 *   <li>one sweep over the input's planes writes the output's interior and copies each padded side's first lines
 *       (k, or k+1 with the local loss, in the side's canonical order) into heap arrays {@code (C, e, N, L)};</li>
 *   <li>the rings are predicted on the heap, side by side and ring by ring ({@link MixingPredictor}): a ring's band
 *       {@code B (C·k, N·L)} (row {@code c·k + d}, column {@code n·L + j}) is put together from the edges, the rings
 *       already predicted and, for the columns, the predicted rows' ends; one GEMM {@code Q = Ws × B} with the
 *       weights stacked by tap gives each tap's product, and the prediction adds the taps' rows shifted (clamped at
 *       the ends). In training, ring 1's band and the local loss's pair band (input lines 1..k) share that GEMM,
 *       side by side in its columns;</li>
 *   <li>one sweep writes the rings into the output's border.</li>
 * </ol>
 * The local loss works on the edges alone: its weight gradient is {@code G' × B^T}, with {@code G' (w·C, N·L)} the
 * prediction's gradient passed through each tap's shift's adjoint. The main-loss backward pass mirrors the forward:
 * one sweep reads the rings' gradients from the upstream gradient, the sides are undone on the heap (last side first,
 * outer ring first; a band's gradient {@code Ws^T × G'} goes to the rings it read or to accumulators of the input's
 * edges), and one sweep adds the edges' gradients into the upstream gradient, whose interior is then the input
 * gradient. The heap arrays of a pass come from a per-thread pool ({@link MixingPredictor.Scratch}).
 *
 * <p>Why not {@link OpsPasses} on the CPU: there the windows, their adjoints and the strided band copies are many
 * small ND4J ops per step, whose dispatch costs more than the GEMMs (docs/benchmarks.md). Products are summed in float by the GEMM, the taps' shifted sums in float, the loss in double:
 * results differ from the general passes' (double) in the last float bits. The loss's sums are split by channel
 * partitions added in order, so they do not depend on the thread count; the GEMMs' sums are OpenBLAS's (not checked
 * across thread counts here).
 */
final class FloatMixingPasses implements PaddingPasses {
    static final FloatMixingPasses INSTANCE = new FloatMixingPasses(MixingPredictor.NATIVE_REARRANGE);
    /** See {@link MixingPredictor#NATIVE_REARRANGE}; tests move it to run both ways on the same data. */
    private final long nativeRearrangeFrom;

    FloatMixingPasses(long nativeRearrangeFrom) {
        this.nativeRearrangeFrom = nativeRearrangeFrom;
    }

    /** Channel mixing on FLOAT data, NCHW (any memory layout of the arrays). */
    @Override
    public boolean supports(PaddingModule conf, DataType dt) {
        return conf.isChannelMixing() && dt == DataType.FLOAT;
    }

    @Override
    public boolean keepsChannelMajor(INDArray x) {
        return PlaneOrder.isConvolutionLayout(x);
    }

    @Override
    public LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out, String layerName,
                                   boolean training) {
        boolean withLoss = training && conf.getLocalLoss() != LocalLoss.NONE;
        Shape sh = new Shape(conf, x);
        StridedAccess xs = StridedAccess.planes(x);
        PlaneOrder order = new PlaneOrder(x, xs);
        Destination dst = new Destination(out, DataType.FLOAT, true);
        MixingPredictor.Scratch.get().reset();
        float[][] edges = readEdges(conf, sh, xs, order, withLoss, dst.access);
        float[][][] rings = new float[Side.values().length][][];
        float[][] lossPredictions = withLoss ? new float[Side.values().length][] : null;
        for (Side s : conf.paddedSides()) {
            predictRings(conf, weights, sh, s, edges, rings, lossPredictions, layerName);
        }
        writeRings(sh, new PlaneOrder(out, dst.access), rings, dst.access);
        dst.finish();
        return withLoss ? localLoss(conf, weights, sh, edges, lossPredictions, weights.gradientBuffer()) : null;
    }

    @Override
    public double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        Shape sh = new Shape(conf, x);
        StridedAccess xs = StridedAccess.planes(x);
        MixingPredictor.Scratch.get().reset();
        return localLoss(conf, weights, sh, readEdges(conf, sh, xs, new PlaneOrder(x, xs), true, null),
                new float[Side.values().length][], grads).loss;
    }

    /** Works in {@code eps} when it is FLOAT (any memory layout). */
    @Override
    public INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName) {
        long h = x.size(2), w = x.size(3);
        if (conf.isBorderGradient()) {
            if (eps.dataType() != DataType.FLOAT) {
                return null;
            }
            addBorderGradient(conf, weights, new Shape(conf, x), eps);
        }
        return eps.get(ArrayAccess.interior(conf, h, w));
    }

    @Override
    public void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
        dx.assign(backwardInPlace(conf, weights, x, eps.castTo(DataType.FLOAT).dup('c'), layerName));
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Geometry. A side's "line d" is its canonical depth d: row d (top), H-1-d (bottom), column d (left), W-1-d (right)
    // of the input; heap arrays of lines are (C, lines, N, L), L the line's length: W for rows, H for input columns
    // and Ho for the column sides' rings (which run over the row-extended map).

    /** The sizes a pass works with. */
    private static final class Shape {
        final int n, c, h, w, t, b, l, r, ho, wo, k;

        Shape(PaddingModule conf, INDArray x) {
            n = (int) x.size(0);
            c = (int) x.size(1);
            h = (int) x.size(2);
            w = (int) x.size(3);
            t = conf.getTop();
            b = conf.getBottom();
            l = conf.getLeft();
            r = conf.getRight();
            ho = h + t + b;
            wo = w + l + r;
            k = conf.getContextDepth();
            // The largest heap array: the taps' product of ring 1 with the local loss's pair, (w·C, N·(Ho + H)).
            if ((long) c * Math.max(k + 1, conf.getKernelWidth()) * n * (ho + wo) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("PaddingModule: input " + Arrays.toString(x.shape())
                        + " is too large for the channel-mixing passes' heap arrays");
            }
        }

        /** The input's extent along side s's axis (H for top/bottom, W for left/right). */
        int axis(Side s) {
            return s.isRow() ? h : w;
        }

        /** The length of side s's input lines (W for rows, H for columns). */
        int lineLength(Side s) {
            return s.isRow() ? w : h;
        }

        /** The length of side s's rings: W for rows, Ho for columns (the row-extended map). */
        int ringLength(Side s) {
            return s.isRow() ? w : ho;
        }
    }

    /** How many of side s's lines a pass reads: k for the prediction, k+1 with the local loss, at most the axis. */
    private static int edgeLines(Shape sh, Side s, boolean withLoss) {
        return Math.min(sh.axis(s), withLoss ? sh.k + 1 : sh.k);
    }

    /**
     * Step 1: each padded side's first lines of {@code x}, by side ordinal, {@code (C, e, N, L)}; null for sides
     * that are not padded. With {@code out}, also writes {@code x} into the output's interior in the same sweep (the
     * border is written by {@link #writeRings}).
     */
    private static float[][] readEdges(PaddingModule conf, Shape sh, StridedAccess xs, PlaneOrder order,
                                       boolean withLoss, StridedAccess out) {
        float[][] edges = new float[Side.values().length][];
        int[] lines = new int[edges.length];
        Side[] sides = conf.paddedSides();
        for (Side s : sides) {
            lines[s.ordinal()] = edgeLines(sh, s, withLoss);
            edges[s.ordinal()] = MixingPredictor.Scratch.get().take(sh.c * lines[s.ordinal()] * sh.n * sh.lineLength(s));
        }
        Partitions.run(Partitions.count(order.planes), part -> {
            HeapBlock block = HeapBlock.scratch(0, DataType.FLOAT, 1, sh.h, sh.w);
            HeapBlock padded = out == null ? null : HeapBlock.scratch(1, DataType.FLOAT, 1, sh.ho, sh.wo);
            float[] a = block.f;
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int n = order.sample(u), c = order.channel(u);
                xs.load(n, c, block);
                if (out != null) {
                    // The border holds whatever the scratch plane held: writeRings overwrites all of it.
                    for (int i = 0; i < sh.h; i++) {
                        System.arraycopy(a, i * sh.w, padded.f, (sh.t + i) * sh.wo + sh.l, sh.w);
                    }
                    out.store(padded, n, c);
                }
                for (Side s : sides) {
                    float[] e = edges[s.ordinal()];
                    int len = sh.lineLength(s);
                    for (int d = 0; d < lines[s.ordinal()]; d++) {
                        int dst = ((c * lines[s.ordinal()] + d) * sh.n + n) * len;
                        switch (s) {
                            case TOP:
                                System.arraycopy(a, d * sh.w, e, dst, len);
                                break;
                            case BOTTOM:
                                System.arraycopy(a, (sh.h - 1 - d) * sh.w, e, dst, len);
                                break;
                            default:
                                int col = s == Side.LEFT ? d : sh.w - 1 - d;
                                for (int i = 0; i < len; i++) {
                                    e[dst + i] = a[col + i * sh.w];
                                }
                        }
                    }
                }
            }
        });
        return edges;
    }

    /**
     * Copies (or adds, if {@code add}) {@code nl} values per channel from {@code src[so ..]}, channel stride
     * {@code srcChannelStride}, into or onto {@code dst[dO ..]}, channel stride {@code dstChannelStride}: one line
     * {@code (C, N, L)} between the edges, the rings and a band.
     */
    private static void lines(float[] src, int so, int srcChannelStride, float[] dst, int dO, int dstChannelStride,
                              int channels, int nl, boolean add) {
        for (int c = 0; c < channels; c++) {
            int s0 = so + c * srcChannelStride, d0 = dO + c * dstChannelStride;
            if (add) {
                for (int i = 0; i < nl; i++) {
                    dst[d0 + i] += src[s0 + i];
                }
            } else {
                System.arraycopy(src, s0, dst, d0, nl);
            }
        }
    }

    /**
     * Column side s's view of input column q (its canonical line q) over the row-extended map, {@code (C, N, Ho)},
     * written into {@code line} from offset {@code lo} with channel stride {@code channelStride}: the top rings'
     * values at that column, the input's column (from {@code edge}, which holds {@code edgeLines} lines per
     * channel), the bottom rings' values. With {@code add}, the adjoint: {@code line}'s values are added onto the
     * top/bottom rings' arrays (gradients) and onto {@code edge} (the edge's gradient) instead.
     */
    private static void extendedColumn(Shape sh, Side s, int q, float[] edge, int edgeLines, float[][][] rings,
                                       float[] line, int lo, int channelStride, boolean add) {
        int col = s == Side.LEFT ? q : sh.w - 1 - q;
        float[][] top = rings[Side.TOP.ordinal()], bottom = rings[Side.BOTTOM.ordinal()];
        for (int c = 0; c < sh.c; c++) {
            for (int n = 0; n < sh.n; n++) {
                int at = lo + c * channelStride + n * sh.ho, row = (c * sh.n + n) * sh.w + col;
                int e = ((c * edgeLines + q) * sh.n + n) * sh.h;
                for (int p = 0; p < sh.t; p++) {
                    if (add) {
                        top[sh.t - p][row] += line[at + p];
                    } else {
                        line[at + p] = top[sh.t - p][row];
                    }
                }
                if (add) {
                    for (int i = 0; i < sh.h; i++) {
                        edge[e + i] += line[at + sh.t + i];
                    }
                } else {
                    System.arraycopy(edge, e, line, at + sh.t, sh.h);
                }
                for (int p = 0; p < sh.b; p++) {
                    if (add) {
                        bottom[p + 1][row] += line[at + sh.t + sh.h + p];
                    } else {
                        line[at + sh.t + sh.h + p] = bottom[p + 1][row];
                    }
                }
            }
        }
    }

    /**
     * Step 2 for side s: its rings {@code 1 .. amount} into {@code rings[s]}, each {@code (C, N, L)} (index 0 unused).
     * Rows first: the
     * column sides read the predicted rows' ends. With {@code lossPredictions}, and if side s has a local-loss pair,
     * the pair's prediction of the outermost input line {@code (C, N, L)} is computed in the same matrix product as
     * ring 1 (same weights: one GEMM over both bands' columns) and stored at the side's ordinal.
     */
    private void predictRings(PaddingModule conf, PredictorWeights weights, Shape sh, Side s, float[][] edges,
                                          float[][][] rings, float[][] lossPredictions, String layerName) {
        int amount = conf.amount(s), len = sh.ringLength(s), nl = sh.n * len, k = sh.k;
        float[] edge = edges[s.ordinal()];
        int e = edgeLines(sh, s, lossPredictions != null);
        float[][] out = new float[amount + 1][];
        rings[s.ordinal()] = out;
        boolean small = sh.axis(s) < k;
        if (small) {
            SidePlan.warnSmall(layerName, s, sh.axis(s), k);
        }
        MixingPredictor kn = small ? null : new MixingPredictor(conf, weights, s, nativeRearrangeFrom);
        MixingPredictor.Scratch sc = MixingPredictor.Scratch.get();
        for (int ring = 1; ring <= amount; ring++) {
            float[] p = sc.take(sh.c * nl);
            out[ring] = p;
            // The local-loss pair's band (input lines 1 .. k) rides along ring 1's, in the columns after it.
            int pairNl = lossPredictions != null && ring == 1 && sh.axis(s) >= k + 1 ? sh.n * sh.lineLength(s) : 0;
            int cols = nl + pairNl;
            // The lines at depth d (d < k, or only d = 0 to replicate): ring ring-1-d if that is a ring, else the
            // input's line d-ring+1.
            int depth = small ? 1 : k;
            float[] band = small ? p : sc.band(sh.c * k * cols);
            for (int d = 0; d < depth; d++) {
                int m = ring - 1 - d, bo = small ? 0 : d * cols, bs = small ? nl : k * cols;
                if (m >= 1) {
                    lines(out[m], 0, nl, band, bo, bs, sh.c, nl, false);
                } else if (s.isRow()) {
                    lines(edge, (d - ring + 1) * nl, e * nl, band, bo, bs, sh.c, nl, false);
                } else {
                    extendedColumn(sh, s, d - ring + 1, edge, e, rings, band, bo, bs, false);
                }
                if (pairNl > 0) {
                    lines(edge, (d + 1) * pairNl, e * pairNl, band, bo + nl, bs, sh.c, pairNl, false);
                }
            }
            if (!small) {
                float[] q = kn.taps(band, cols, sc);
                kn.predict(q, cols, 0, len, sh.n, p);
                if (pairNl > 0) {
                    float[] pair = sc.take(sh.c * pairNl);
                    kn.predict(q, cols, nl, sh.lineLength(s), sh.n, pair);
                    lossPredictions[s.ordinal()] = pair;
                }
            }
        }
    }

    /** Step 3: the rings into the output's border, plane by plane (the interior was written in step 1). */
    private static void writeRings(Shape sh, PlaneOrder order, float[][][] rings, StridedAccess out) {
        FloatBuffer f = out.floats();
        Partitions.run(Partitions.count(order.planes), part -> {
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int n = order.sample(u), c = order.channel(u);
                for (Side s : Side.values()) {
                    float[][] rs = rings[s.ordinal()];
                    for (int ring = 1; rs != null && ring < rs.length; ring++) {
                        put(f, ringAt(out, sh, s, ring, n, c), ringStep(out, s), rs[ring],
                                (c * sh.n + n) * sh.ringLength(s), sh.ringLength(s));
                    }
                }
            }
        });
    }

    /**
     * The local loss from the edges (read with k+1 lines) and its gradient, kept in {@code into} (arrays with the
     * parameters' keys and shapes, overwritten) or, if null, in fresh arrays outside any workspace.
     */
    private LocalLossResult localLoss(PaddingModule conf, PredictorWeights weights, Shape sh, float[][] edges,
                                      float[][] predictions, Map<String, INDArray> into) {
        int k = sh.k;
        Side[] sides = conf.paddedSides();
        int pairs = 0;
        for (Side s : sides) {
            pairs += sh.axis(s) >= k + 1 ? 1 : 0;
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        double total = 0;
        MixingPredictor.Scratch sc = MixingPredictor.Scratch.get();
        boolean mse = conf.getLocalLoss() == LocalLoss.MSE;
        for (Side s : sides) {
            INDArray pw = weights.params.get(s.weightKey()), pb = weights.params.get(s.biasKey());
            if (conf.getLocalLoss() == LocalLoss.NONE || sh.axis(s) < k + 1) {
                grads.put(s.weightKey(), LocalLossResult.gradientTarget(into, s.weightKey(), pw).assign(0));
                grads.put(s.biasKey(), LocalLossResult.gradientTarget(into, s.biasKey(), pb).assign(0));
                continue;
            }
            MixingPredictor kn = new MixingPredictor(conf, weights, s, nativeRearrangeFrom);
            int len = sh.lineLength(s), nl = sh.n * len, e = k + 1, count = sh.c * nl;
            float[] edge = edges[s.ordinal()];
            float[] band = sc.band(sh.c * k * nl);
            for (int c = 0; c < sh.c; c++) {
                System.arraycopy(edge, (c * e + 1) * nl, band, c * k * nl, k * nl);
            }
            float[] p = predictions[s.ordinal()] != null ? predictions[s.ordinal()] : sc.take(count);
            if (predictions[s.ordinal()] == null) {
                kn.predict(kn.taps(band, nl, sc), nl, 0, len, sh.n, p);
            }
            INDArray pairBand = sc.matrix((long) sh.c * k, nl, band);
            // The loss, and its gradient with respect to the prediction in p's place (the bias's is its sum over
            // (n, j)), by partitions of the channels added in order: the same result for any thread count.
            double f = 1.0 / ((double) pairs * count);
            double[] sums = new double[Partitions.count(sh.c)];
            float[] db = new float[sh.c];
            Partitions.run(sums.length, part -> {
                double sum = 0;
                for (int c = Partitions.start(sh.c, part); c < Partitions.start(sh.c, part + 1); c++) {
                    double[] r = mse ? squaredErrors(p, c * nl, edge, c * e * nl, nl, 2 * f)
                            : absoluteErrors(p, c * nl, edge, c * e * nl, nl, f);
                    sum += r[0];
                    db[c] = (float) r[1];
                }
                sums[part] = sum;
            });
            double sum = 0;
            for (double v : sums) {
                sum += v;
            }
            if (!Double.isFinite(sum)) {
                throw LossPass.nonFiniteLoss(s);
            }
            total += sum / count;
            INDArray dw = LocalLossResult.gradientTarget(into, s.weightKey(), pw);
            kn.weightGradient(kn.adjointShifts(p, len, sh.n, sc), pairBand, sc, dw);
            grads.put(s.weightKey(), dw);
            grads.put(s.biasKey(), LocalLossResult.gradientTarget(into, s.biasKey(), pb).assign(Nd4j.createFromArray(db)
                    .castTo(pb.dataType()).reshape(pb.shape())));
        }
        double loss = pairs == 0 || conf.getLocalLoss() == LocalLoss.NONE ? Double.NaN : total / pairs;
        return new OpsPasses.Result(loss, grads);
    }

    /**
     * {@code {sum of d^2, sum of scale·d}} over {@code d = p[po + i] - t[to + i]}, {@code i < len}, and
     * {@code p[po + i] = scale·d} (the squared error's gradient). Two accumulators per sum: a single chain of
     * dependent double additions was the loop's bottleneck.
     */
    private static double[] squaredErrors(float[] p, int po, float[] t, int to, int len, double scale) {
        double s0 = 0, s1 = 0, e0 = 0, e1 = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            double d0 = (double) p[po + i] - t[to + i], d1 = (double) p[po + i + 1] - t[to + i + 1];
            s0 += d0 * d0;
            s1 += d1 * d1;
            e0 += d0;
            e1 += d1;
            p[po + i] = (float) (scale * d0);
            p[po + i + 1] = (float) (scale * d1);
        }
        if (i < len) {
            double d = (double) p[po + i] - t[to + i];
            s0 += d * d;
            e0 += d;
            p[po + i] = (float) (scale * d);
        }
        return new double[]{s0 + s1, scale * (e0 + e1)};
    }

    /**
     * As {@link #squaredErrors} for the absolute error: {@code {sum of |d|, sum of scale·sign(d)}}, and
     * {@code p = scale·sign(d)}.
     */
    private static double[] absoluteErrors(float[] p, int po, float[] t, int to, int len, double scale) {
        double s = 0;
        long signs = 0;
        for (int i = 0; i < len; i++) {
            double d = (double) p[po + i] - t[to + i];
            s += Math.abs(d);
            double sign = Math.signum(d);
            signs += (long) sign;
            p[po + i] = (float) (scale * sign);
        }
        return new double[]{s, scale * signs};
    }

    /**
     * The main-loss backward pass in {@code eps} (FLOAT, contiguous planes): reads the rings' gradients, undoes the
     * sides on the heap, and adds the input edges' gradients into {@code eps}'s interior.
     */
    private void addBorderGradient(PaddingModule conf, PredictorWeights weights, Shape sh, INDArray eps) {
        StridedAccess es = StridedAccess.of(eps);
        PlaneOrder order = new PlaneOrder(eps, es);
        Side[] sides = conf.paddedSides();
        MixingPredictor.Scratch sc = MixingPredictor.Scratch.get().reset();
        float[][][] g = readRingGradients(conf, sh, es, order);
        // The gradients of the input lines each side read: k lines, or 1 where the side is replicate padded.
        float[][] dEdges = new float[Side.values().length][];
        int[] lines = new int[dEdges.length];
        for (Side s : sides) {
            lines[s.ordinal()] = sh.axis(s) < sh.k ? 1 : sh.k;
            int size = sh.c * lines[s.ordinal()] * sh.n * sh.lineLength(s);
            dEdges[s.ordinal()] = sc.take(size);
            Arrays.fill(dEdges[s.ordinal()], 0, size, 0f);
        }
        for (int si = sides.length - 1; si >= 0; si--) {
            Side s = sides[si];
            int len = sh.ringLength(s), nl = sh.n * len, e = lines[s.ordinal()];
            boolean small = sh.axis(s) < sh.k;
            MixingPredictor kn = small ? null : new MixingPredictor(conf, weights, s, nativeRearrangeFrom);
            float[][] gs = g[s.ordinal()];
            for (int ring = conf.amount(s); ring >= 1; ring--) {
                // The ring's gradient is complete: the outer rings and the later sides have sent theirs.
                float[] gb = small ? gs[ring] : kn.bandGradient(kn.adjointShifts(gs[ring], len, sh.n, sc), nl, sc);
                int depth = small ? 1 : sh.k, bs = small ? nl : sh.k * nl;
                for (int d = 0; d < depth; d++) {
                    int m = ring - 1 - d, bo = small ? 0 : d * nl;
                    if (m >= 1) {
                        lines(gb, bo, bs, gs[m], 0, nl, sh.c, nl, true);
                    } else if (s.isRow()) {
                        lines(gb, bo, bs, dEdges[s.ordinal()], (d - ring + 1) * nl, e * nl, sh.c, nl, true);
                    } else {
                        extendedColumn(sh, s, d - ring + 1, dEdges[s.ordinal()], e, g, gb, bo, bs, true);
                    }
                }
            }
        }
        addEdgeGradients(sh, sides, dEdges, lines, es, order);
    }

    /** The rings' gradients from {@code eps}, {@code [side][ring] (C, N, L)}, plane by plane. */
    private static float[][][] readRingGradients(PaddingModule conf, Shape sh, StridedAccess es, PlaneOrder order) {
        float[][][] g = new float[Side.values().length][][];
        Side[] sides = conf.paddedSides();
        for (Side s : sides) {
            int amount = conf.amount(s);
            g[s.ordinal()] = new float[amount + 1][];
            for (int ring = 1; ring <= amount; ring++) {
                g[s.ordinal()][ring] = MixingPredictor.Scratch.get().take(sh.c * sh.n * sh.ringLength(s));
            }
        }
        FloatBuffer f = es.floats();
        Partitions.run(Partitions.count(order.planes), part -> {
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int n = order.sample(u), c = order.channel(u);
                for (Side s : sides) {
                    float[][] gs = g[s.ordinal()];
                    for (int ring = 1; ring < gs.length; ring++) {
                        get(f, ringAt(es, sh, s, ring, n, c), ringStep(es, s), gs[ring],
                                (c * sh.n + n) * sh.ringLength(s), sh.ringLength(s));
                    }
                }
            }
        });
        return g;
    }

    /**
     * The buffer index, in a padded map, of the first element of side s's ring in plane (n, c): rows start at the
     * input's first column, columns at the top of the row-extended map.
     */
    private static int ringAt(StridedAccess a, Shape sh, Side s, int ring, int n, int c) {
        switch (s) {
            case TOP: return a.index(n, c, sh.t - ring, sh.l);
            case BOTTOM: return a.index(n, c, sh.t + sh.h - 1 + ring, sh.l);
            case LEFT: return a.index(n, c, 0, sh.l - ring);
            default: return a.index(n, c, 0, sh.l + sh.w - 1 + ring);
        }
    }

    /** The step in the buffer along side s's lines: one column for rows, one row for columns. */
    private static int ringStep(StridedAccess a, Side s) {
        return a.step(s.isRow() ? 3 : 2);
    }

    /** {@code dst[off .. off+len)} = the buffer's elements {@code at, at+step, ...} (one bulk read if contiguous). */
    private static void get(FloatBuffer f, int at, int step, float[] dst, int off, int len) {
        if (step == 1) {
            f.get(at, dst, off, len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = f.get(at + i * step);
            }
        }
    }

    /** The buffer's elements {@code at, at+step, ...} = {@code src[off .. off+len)} (one bulk write if contiguous). */
    private static void put(FloatBuffer f, int at, int step, float[] src, int off, int len) {
        if (step == 1) {
            f.put(at, src, off, len);
        } else {
            for (int i = 0; i < len; i++) {
                f.put(at + i * step, src[off + i]);
            }
        }
    }

    /** Adds the input edges' gradients into {@code eps}'s interior, plane by plane. */
    private static void addEdgeGradients(Shape sh, Side[] sides, float[][] dEdges, int[] lines, StridedAccess es,
                                         PlaneOrder order) {
        FloatBuffer f = es.floats();
        int rowStep = es.step(2), colStep = es.step(3);
        Partitions.run(Partitions.count(order.planes), part -> {
            float[] tmp = new float[sh.w];
            for (int u = order.from(part); u < order.from(part + 1); u++) {
                int n = order.sample(u), c = order.channel(u);
                for (Side s : sides) {
                    float[] de = dEdges[s.ordinal()];
                    int len = sh.lineLength(s), e = lines[s.ordinal()];
                    for (int d = 0; d < e; d++) {
                        int src = ((c * e + d) * sh.n + n) * len;
                        if (s.isRow()) {
                            int at = es.index(n, c, s == Side.TOP ? sh.t + d : sh.t + sh.h - 1 - d, sh.l);
                            get(f, at, colStep, tmp, 0, len);
                            for (int i = 0; i < len; i++) {
                                tmp[i] += de[src + i];
                            }
                            put(f, at, colStep, tmp, 0, len);
                        } else {
                            int at = es.index(n, c, sh.t, s == Side.LEFT ? sh.l + d : sh.l + sh.w - 1 - d);
                            for (int i = 0; i < len; i++) {
                                int x = at + i * rowStep;
                                f.put(x, f.get(x) + de[src + i]);
                            }
                        }
                    }
                }
            }
        });
        es.commit();
    }

}
