package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.learnpad.layers.ArrayAccess.array;
import static io.github.learnpad.layers.ArrayAccess.computeType;
import static io.github.learnpad.layers.ArrayAccess.packed;
import static io.github.learnpad.layers.SidePlan.gather;
import static io.github.learnpad.layers.SidePlan.pairStep;
import static io.github.learnpad.layers.Correlation.predictRow;

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
 * This class states the maths. A network's layer ({@link PaddingModuleLayer}) computes it with the implementation of
 * the passes it chose once; the static entry points below run the same passes on arrays and a parameter map, for use
 * outside a network (each call chooses the passes anew). Which file holds which part: the package documentation
 * ({@code package-info.java}), the one map of the package.
 *
 * <p>The passes are hand-written, with explicit gradients, because a SameDiff graph of the maths spends far longer in
 * per-op overhead than its few multiply-adds cost (docs/benchmarks.md).
 */
public final class BorderPredictor {
    private BorderPredictor() {
    }

    // =================================================================================================================
    // Forward, backward and local loss of the whole module.

    /**
     * Forward pass: pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)}, which the caller allocates
     * (e.g. in a DL4J workspace); every element of {@code out} is written.
     */
    public static void forward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray out, String layerName) {
        forward(conf, PredictorWeights.read(conf, params), x, out, layerName, false);
    }

    /**
     * {@link #forward(PaddingModule, Map, INDArray, INDArray, String)} with weights already read; when
     * {@code training} and the module has a local loss, also computes the local loss of {@code x} and its gradient in
     * the same walk (each unit is in cache then), for the backward pass to hand to the updater. Returns null otherwise.
     *
     * @throws IllegalArgumentException if training and the rows/columns the local loss reads contain NaN or Inf
     */
    static LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out,
                                   String layerName, boolean training) {
        return PaddingPasses.choose(conf, computeType(x)).forward(conf, weights, x, out, layerName, training);
    }

    /**
     * Main-loss backward pass: writes {@code dL/dx (N, C, H, W)} into {@code dx} from {@code eps = dL/dy}, leaving
     * {@code eps} as it is. The predictor weights are constants here: their gradient comes from the local loss alone
     * ({@link #localLoss}).
     */
    public static void backward(PaddingModule conf, Map<String, INDArray> params, INDArray x, INDArray eps,
                                INDArray dx, String layerName) {
        backward(conf, PredictorWeights.read(conf, params), x, eps, dx, layerName);
    }

    static void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
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
    static INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName) {
        return PaddingPasses.choose(conf, computeType(eps)).backwardInPlace(conf, weights, x, eps, layerName);
    }
    /**
     * The local loss of {@code x} and its gradient with respect to every predictor parameter, written into
     * {@code grads} (same keys and shapes as {@code params}; overwritten). Returns NaN if no side has a training
     * pair (all padded axes shorter than k+1) or the loss is NONE.
     *
     * @throws IllegalArgumentException if the rows/columns it reads contain NaN or Inf (nothing is written then)
     */
    public static double localLoss(PaddingModule conf, Map<String, INDArray> params, INDArray x, Map<String, INDArray> grads) {
        return localLoss(conf, PredictorWeights.read(conf, params), x, grads);
    }

    static double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        return PaddingPasses.choose(conf, computeType(x)).localLoss(conf, weights, x, grads);
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
        MinibatchWalk units = new MinibatchWalk(conf, n, c);
        SidePredictor[] ks = SidePredictor.of(conf, params, s).forUnits(units.per);
        int rows = ks[0].k + 1;
        if ((s.isRow() ? h : w) < rows) {
            throw new IllegalArgumentException("predictEdge needs at least k+1=" + rows + " rows/columns along "
                    + "the " + s.key() + " side's axis; the input is " + Arrays.toString(x.shape()));
        }
        SidePlan st = pairStep(s, ks, h, w);
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
