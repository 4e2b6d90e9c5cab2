package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;

import static io.github.learnpad.layers.SidePlan.gather;
import static io.github.learnpad.layers.SidePlan.pairStep;
import static io.github.learnpad.layers.Correlation.predictRow;
import static io.github.learnpad.layers.Correlation.predictRowWeightGrad;

import java.util.Map;

/**
 * Accumulates the local loss and its gradient one unit at a time (see "Local loss" above). The instance built from
 * the configuration holds the plan; {@link #fresh} gives each partition of a pass its own accumulators, and
 * {@link #result} adds the partitions' sums in order.
 */
final class LossPass {
    private final LocalLoss type;
    private final Side[] padded;
    private final int per;
    /** Per padded side: its kernels, by {@link MinibatchWalk#kernel}. */
    private final SidePredictor[][] kernels;
    /** Per padded side: its pair geometry, or null if the axis is shorter than k+1 (no training pair). */
    private final SidePlan[] pairs;
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

    LossPass(PaddingModule conf, PredictorWeights weights, long[] shape, MinibatchWalk units) {
        type = conf.getLocalLoss();
        padded = conf.paddedSides();
        per = units.per;
        kernels = new SidePredictor[padded.length][];
        pairs = new SidePlan[padded.length];
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
            SidePredictor[] ks = kernels[si];
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
    SidePlan pair(int si) {
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
            SidePlan st = pairs[si];
            if (st == null) {
                continue;
            }
            SidePredictor kn = st.kernels[ki];
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

    /** The error every implementation throws when side s's local loss is not finite, before any update. */
    static IllegalArgumentException nonFiniteLoss(Side s) {
        return new IllegalArgumentException("the input's " + s.key() + " border rows/columns contain NaN or Inf (or "
                + "values so large the local loss overflows); training the predictor on them would make its weights "
                + "NaN. Check the data and the layers before the module (e.g. lower the learning rate)");
    }
}
