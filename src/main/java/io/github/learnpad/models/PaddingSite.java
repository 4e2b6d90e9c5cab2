package io.github.learnpad.models;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;

import java.util.Arrays;
import java.util.Set;

/**
 * What {@link PaddingRewriter} finds in one layer configuration: whether the layer pads its input, by how much
 * (top, bottom, left, right), and whether the padding can be moved into a separate layer exactly.
 *
 * <p>DL4J's {@link ConvolutionMode#Same} pads, for each spatial dimension with effective kernel
 * {@code e = (k - 1) * d + 1}, output size {@code o}, input size {@code i} and stride {@code s}, a total of
 * {@code (o - 1) * s + e - i}: {@code total / 2} before (top/left) and the rest after (bottom/right)
 * ({@code ConvolutionUtils.getSameModeTopLeftPadding} / {@code getSameModeBottomRightPadding}). With stride 1 the
 * output size is the input size, so the amounts are {@code (e - 1) / 2} and {@code e / 2} whatever the input; with
 * stride > 1 they depend on the input size, which a configuration does not fix, so such a layer cannot be rewritten
 * into a fixed padding layer exactly. A 1x1 Same convolution never pads.
 */
final class PaddingSite {

    /** The kind of padding a layer has. */
    enum Kind {
        /** The layer does not pad (or is not a layer that pads): leave it alone. */
        NONE,
        /** A 2D convolution with explicit or stride-1 Same padding: split into padding layer + unpadded conv. */
        CONVOLUTION,
        /** A {@link ZeroPaddingLayer}: replace by the mode's padding layer with the same amounts and format. */
        ZERO_PADDING_LAYER,
        /** A Same-mode convolution with stride > 1 and a kernel > 1: its padding depends on the input size. */
        STRIDED_SAME,
        /** A padded layer the rewriter cannot handle exactly (1D/3D/transposed convolution, Causal, wrapped). */
        UNSUPPORTED
    }

    /** Convolution classes whose padding has the semantics of {@link ConvolutionLayer} in two dimensions. */
    private static final Set<Class<?>> CONV_2D = Set.of(ConvolutionLayer.class, Convolution2D.class,
            DepthwiseConvolution2D.class, SeparableConvolution2D.class);

    final Kind kind;
    /** top, bottom, left, right (for CONVOLUTION and ZERO_PADDING_LAYER). */
    final int[] amounts;
    /** Why the layer cannot be rewritten (for STRIDED_SAME and UNSUPPORTED). */
    final String reason;
    /** The layer's data format (for CONVOLUTION and ZERO_PADDING_LAYER): the padding layer gets the same. */
    final CNN2DFormat format;

    private PaddingSite(Kind kind, int[] amounts, String reason) {
        this(kind, amounts, reason, CNN2DFormat.NCHW);
    }

    private PaddingSite(Kind kind, int[] amounts, String reason, CNN2DFormat format) {
        this.kind = kind;
        this.amounts = amounts;
        this.reason = reason;
        this.format = format == null ? CNN2DFormat.NCHW : format;
    }

    private static PaddingSite none() {
        return new PaddingSite(Kind.NONE, null, null);
    }

    /** Analyses one (built, so fully resolved) layer configuration. */
    static PaddingSite of(Layer layer) {
        // Wrappers (FrozenLayer, FrozenLayerWithBackprop, ...): a padded layer inside one is not rewritten, but must not
        // be passed over silently either.
        Layer inner = layer instanceof FrozenLayer ? ((FrozenLayer) layer).getLayer()
                : layer instanceof BaseWrapperLayer ? ((BaseWrapperLayer) layer).getUnderlying() : null;
        if (inner != null) {
            PaddingSite in = of(inner);
            return in.kind == Kind.NONE ? none() : new PaddingSite(Kind.UNSUPPORTED, null, "padded layer "
                    + inner.getClass().getSimpleName() + " inside a " + layer.getClass().getSimpleName()
                    + " wrapper (rewrite the network before freezing layers)");
        }
        if (layer instanceof ZeroPaddingLayer) {
            ZeroPaddingLayer z = (ZeroPaddingLayer) layer;
            int[] p = z.getPadding();
            if (Arrays.stream(p).allMatch(v -> v == 0)) {
                return none();
            }
            return new PaddingSite(Kind.ZERO_PADDING_LAYER, p.clone(), null, z.getDataFormat());
        }
        if (!(layer instanceof ConvolutionLayer)) {
            return none();
        }
        ConvolutionLayer c = (ConvolutionLayer) layer;
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        int[] k = c.getKernelSize();
        int[] d = c.getDilation() == null ? new int[]{1, 1} : c.getDilation();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        boolean padded;
        if (same) {
            padded = false;
            for (int i = 0; i < k.length; i++) {
                padded |= effectiveKernel(k[i], d.length > i ? d[i] : 1) > 1;
            }
        } else {
            padded = p != null && Arrays.stream(p).anyMatch(v -> v > 0);
        }
        if (!padded) {
            return none();
        }
        String cls = c.getClass().getSimpleName();
        if (!CONV_2D.contains(c.getClass())) {
            return new PaddingSite(Kind.UNSUPPORTED, null, cls + " is not a 2D convolution with ConvolutionLayer "
                    + "padding semantics (only ConvolutionLayer, Convolution2D, DepthwiseConvolution2D and "
                    + "SeparableConvolution2D are rewritten)");
        }
        if (c.getConvolutionMode() == ConvolutionMode.Causal) {
            return new PaddingSite(Kind.UNSUPPORTED, null, cls + " in Causal mode (a 1D mode)");
        }
        if (same) {
            if (s[0] != 1 || s[1] != 1) {
                return new PaddingSite(Kind.STRIDED_SAME, null, cls + " in ConvolutionMode.Same with stride "
                        + Arrays.toString(s) + " and kernel " + Arrays.toString(k) + ": DL4J's Same padding "
                        + "then depends on the input size, so it cannot be moved into a fixed padding layer");
            }
            int eh = effectiveKernel(k[0], d[0]);
            int ew = effectiveKernel(k[1], d[1]);
            return new PaddingSite(Kind.CONVOLUTION, new int[]{(eh - 1) / 2, eh / 2, (ew - 1) / 2, ew / 2}, null,
                    c.getCnn2dDataFormat());
        }
        // Truncate or Strict with explicit padding: symmetric, (padH, padW).
        return new PaddingSite(Kind.CONVOLUTION, new int[]{p[0], p[0], p[1], p[1]}, null, c.getCnn2dDataFormat());
    }

    static int effectiveKernel(int k, int dilation) {
        return (k - 1) * dilation + 1;
    }
}
