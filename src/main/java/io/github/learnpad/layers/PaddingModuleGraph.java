package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Padding Module as a SameDiff graph: the reference implementation ({@link PaddingModule.Implementation#SAMEDIFF})
 * of exactly the maths documented in {@link BorderPredictor}, differentiated by SameDiff instead of by hand.
 *
 * <p>It builds the padded output and, in the same graph, a scalar variable named {@link #LOCAL_LOSS}. Stop-gradient
 * keeps the two apart: the output uses the predictor weights as constants, and the local loss sees the input as a
 * constant, so a total loss {@code sum(output * dL/dOutput) + localLoss} gives the input the main-loss gradient and
 * the predictor the local-loss gradient, and nothing else.
 */
final class PaddingModuleGraph {
    /** Name of the local-loss variable (absent when no side can form a training pair or the loss is NONE). */
    static final String LOCAL_LOSS = "localLoss";

    private PaddingModuleGraph() {
    }

    /**
     * @param x     the input, NCHW
     * @param shape its shape {@code (N, C, H, W)} (N may be -1): passed in because a permuted view's static shape is
     *              unknown while the graph is built
     */
    static SDVariable defineOutput(SameDiff sd, SDVariable x, long[] shape, Map<String, SDVariable> params,
            PaddingModule conf) {
        if (shape == null || shape.length != 4) {
            throw new IllegalStateException("PaddingModule SameDiff graph needs a rank-4 input placeholder, got "
                    + java.util.Arrays.toString(shape));
        }
        long h0 = shape[2], w0 = shape[3];
        int k = conf.getContextDepth();
        SDVariable m = x;
        long h = h0, w = w0;
        for (Side s : conf.paddedSides()) {
            long axis = s.isRow() ? h0 : w0;
            boolean fallback = axis < k; // replicate padding for too-small maps (see BorderPredictor)
            SDVariable wt = stop(sd, params.get(s.weightKey()));
            SDVariable b = stop(sd, params.get(s.biasKey()));
            for (int ring = 0; ring < conf.amount(s); ring++) {
                long len = s.isRow() ? w : h;
                SDVariable strip = strip(m, s, fallback ? 1 : k, 0, h, w);
                if (!conf.isBorderGradient()) {
                    strip = stop(sd, strip);
                }
                SDVariable pred = fallback ? strip : predict(sd, strip, wt, b, conf, len);
                m = attach(sd, m, pred, s);
                if (s.isRow()) {
                    h++;
                } else {
                    w++;
                }
            }
        }
        defineLocalLoss(sd, x, params, conf, h0, w0);
        return m;
    }

    private static void defineLocalLoss(SameDiff sd, SDVariable x, Map<String, SDVariable> params, PaddingModule conf,
                                        long h, long w) {
        if (conf.getLocalLoss() == LocalLoss.NONE) {
            return;
        }
        int k = conf.getContextDepth();
        SDVariable xs = stop(sd, x);
        List<SDVariable> losses = new ArrayList<>();
        for (Side s : conf.paddedSides()) {
            if ((s.isRow() ? h : w) < k + 1) {
                continue;
            }
            long len = s.isRow() ? w : h;
            SDVariable target = strip(xs, s, 1, 0, h, w);
            SDVariable context = strip(xs, s, k, 1, h, w);
            SDVariable diff = predict(sd, context, params.get(s.weightKey()), params.get(s.biasKey()), conf, len).sub(target);
            losses.add(conf.getLocalLoss() == LocalLoss.MSE ? sd.math.square(diff).mean() : sd.math.abs(diff).mean());
        }
        if (losses.isEmpty()) {
            return;
        }
        SDVariable total = losses.get(0);
        for (int i = 1; i < losses.size(); i++) {
            total = total.add(losses.get(i));
        }
        total.div(LOCAL_LOSS, losses.size());
    }

    /**
     * The {@code depth} rows/columns of {@code m (N, C, h, w)} starting {@code offset} in from side s, in canonical
     * orientation {@code (N, C, depth, L)}: index 0 nearest the border, L along the border.
     */
    private static SDVariable strip(SDVariable m, Side s, int depth, int offset, long h, long w) {
        SDIndex all = SDIndex.all();
        switch (s) {
            case TOP:
                return m.get(all, all, SDIndex.interval((long) offset, (long) offset + depth), all);
            case BOTTOM:
                return m.getSameDiff().reverse(m.get(all, all, SDIndex.interval(h - offset - depth, h - offset), all), 2);
            case LEFT:
                return m.get(all, all, all, SDIndex.interval((long) offset, (long) offset + depth)).permute(0, 1, 3, 2);
            default:
                return m.getSameDiff().reverse(m.get(all, all, all, SDIndex.interval(w - offset - depth, w - offset)), 3)
                        .permute(0, 1, 3, 2);
        }
    }

    /** One predicted row {@code (N, C, 1, L)} from a canonical strip {@code (N, C, k, L)}. */
    private static SDVariable predict(SameDiff sd, SDVariable strip, SDVariable weight, SDVariable bias,
                                      PaddingModule conf, long len) {
        int k = conf.getContextDepth();
        int kw = conf.getKernelWidth();
        int half = kw / 2;
        SDVariable padded = strip;
        if (half > 0) {
            // Clamp along the border: replicate the end positions half times on each side.
            SDIndex all = SDIndex.all();
            SDVariable first = strip.get(all, all, all, SDIndex.interval(0L, 1L));
            SDVariable last = strip.get(all, all, all, SDIndex.interval(len - 1, len));
            SDVariable[] parts = new SDVariable[2 * half + 1];
            for (int i = 0; i < half; i++) {
                parts[i] = first;
                parts[half + 1 + i] = last;
            }
            parts[half] = strip;
            padded = sd.concat(3, parts);
        }
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k).kW(kw).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .dataFormat(Conv2DConfig.NCHW).build();
        long c = conf.getNChannels();
        SDVariable out;
        if (conf.isChannelMixing()) {
            // (O, C, k, w) -> (k, w, C, O), SameDiff's YXIO weight layout
            out = sd.cnn.conv2d(padded, weight.permute(2, 3, 1, 0), cfg);
        } else {
            // (C, k, w) -> (k, w, C, 1): depthwise with multiplier 1
            out = sd.cnn.depthWiseConv2d(padded, weight.permute(1, 2, 0).reshape(k, kw, c, 1), cfg);
        }
        return out.add(bias.reshape(1, c, 1, 1));
    }

    /** Appends a predicted canonical row {@code (N, C, 1, L)} to side s of {@code m}. */
    private static SDVariable attach(SameDiff sd, SDVariable m, SDVariable row, Side s) {
        switch (s) {
            case TOP: return sd.concat(2, row, m);
            case BOTTOM: return sd.concat(2, m, row);
            case LEFT: return sd.concat(3, row.permute(0, 1, 3, 2), m);
            default: return sd.concat(3, m, row.permute(0, 1, 3, 2));
        }
    }

    private static SDVariable stop(SameDiff sd, SDVariable v) {
        return new StopGradient(sd, v).outputVariable();
    }
}
