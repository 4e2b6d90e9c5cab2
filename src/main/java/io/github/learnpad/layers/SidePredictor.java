package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.learnpad.layers.ArrayAccess.readFlat;

import java.util.Arrays;
import java.util.Map;

/** One padded side's linear predictor as the Java passes read it: weights, bias and geometry, weights flattened in c order. */
final class SidePredictor {
    final int channels;
    final int k;
    final int w;
    final boolean mixing;
    final double[] weight;
    final double[] bias;

    SidePredictor(int channels, int k, int w, boolean mixing, double[] weight, double[] bias) {
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

    /** The first input channel output o reads: 0 with channel mixing, else o itself. */
    int firstInput(int o) {
        return mixing ? 0 : o;
    }

    /** One past the last input channel output o reads. */
    int endInput(int o) {
        return mixing ? channels : o + 1;
    }

    /** Index in {@link #weight} of the taps output o takes from channel c at depth d. */
    int weightIndex(int o, int c, int d) {
        return mixing ? ((o * channels + c) * k + d) * w : (o * k + d) * w;
    }

    /** The replicate-padding kernel (k = 1, w = 1, weight 1): the fallback for too-small maps. */
    static SidePredictor replicate(int channels) {
        double[] wt = new double[channels];
        java.util.Arrays.fill(wt, 1.0);
        return new SidePredictor(channels, 1, 1, false, wt, new double[channels]);
    }

    static SidePredictor of(PaddingModule conf, Map<String, INDArray> params, Side s) {
        return new SidePredictor((int) conf.getNChannels(), conf.getContextDepth(), conf.getKernelWidth(),
                conf.isChannelMixing(), readFlat(params.get(s.weightKey())), readFlat(params.get(s.biasKey())));
    }

    /**
     * The kernels that units of {@code per} channels use, indexed by {@link MinibatchWalk#kernel}: this one when a unit
     * holds every channel, else (depthwise, one channel per unit) a single-channel slice per channel.
     */
    SidePredictor[] forUnits(int per) {
        if (per == channels) {
            return new SidePredictor[]{this};
        }
        int kw = k * w;
        SidePredictor[] slices = new SidePredictor[channels];
        for (int c = 0; c < channels; c++) {
            slices[c] = new SidePredictor(1, k, w, false, Arrays.copyOfRange(weight, c * kw, (c + 1) * kw),
                    new double[]{bias[c]});
        }
        return slices;
    }
}
