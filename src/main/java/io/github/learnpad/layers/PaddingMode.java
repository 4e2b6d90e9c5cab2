package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The padding a network uses around its feature maps: the fixed modes (zero, reflect, replicate, circular) and the
 * learned Padding Module. {@link #layer(int, int, int, int)} gives the DL4J layer configuration of a mode, taking an
 * NCHW input {@code (N, C, H, W)} to {@code (N, C, H + top + bottom, W + left + right)}.
 *
 * <pre>{@code
 * PaddingMode mode = PaddingMode.parse("reflect");
 * Layer pad = mode.layer(1, 1, 1, 1);   // FixedPadding(REFLECT, [1, 1, 1, 1])
 * }</pre>
 */
public enum PaddingMode {
    /** Zeros: DL4J's own {@link ZeroPaddingLayer}. */
    ZERO,
    /** Mirror without repeating the edge ({@link FixedPadding.Mode#REFLECT}); amount &lt; size. */
    REFLECT,
    /** Repeat the edge ({@link FixedPadding.Mode#REPLICATE}). */
    REPLICATE,
    /** Wrap around ({@link FixedPadding.Mode#CIRCULAR}); amount &lt;= size. */
    CIRCULAR,
    /** The learned Padding Module ({@link PaddingModule}) with its default settings. */
    LEARNED;

    /** The lower-case name used on command lines and in file names: "zero", "reflect", ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The DL4J layer configuration padding by these amounts in this mode.
     *
     * @param top    rows added above, {@code >= 0}
     * @param bottom rows added below, {@code >= 0}
     * @param left   columns added on the left, {@code >= 0}
     * @param right  columns added on the right, {@code >= 0}
     * @return a {@link ZeroPaddingLayer}, {@link FixedPadding} or {@link PaddingModule}
     * @throws IllegalArgumentException (or DL4J's IllegalStateException for ZERO) if an amount is negative
     */
    public Layer layer(int top, int bottom, int left, int right) {
        switch (this) {
            case ZERO:
                return new ZeroPaddingLayer.Builder(top, bottom, left, right).build();
            case REFLECT:
            case REPLICATE:
            case CIRCULAR:
                return new FixedPadding.Builder(fixedMode()).padding(top, bottom, left, right).build();
            case LEARNED:
                return new PaddingModule.Builder().padding(top, bottom, left, right).build();
            default:
                throw new AssertionError(this);
        }
    }

    /** {@link #layer(int, int, int, int)} with the same amount {@code p >= 0} on all four sides. */
    public Layer layer(int p) {
        return layer(p, p, p, p);
    }

    /** True for the modes without trainable parameters (all but LEARNED). */
    public boolean isFixed() {
        return this != LEARNED;
    }

    /**
     * The {@link FixedPadding} mode of REFLECT, REPLICATE or CIRCULAR.
     *
     * @throws IllegalStateException for ZERO and LEARNED, which are other layers
     */
    public FixedPadding.Mode fixedMode() {
        switch (this) {
            case REFLECT:
                return FixedPadding.Mode.REFLECT;
            case REPLICATE:
                return FixedPadding.Mode.REPLICATE;
            case CIRCULAR:
                return FixedPadding.Mode.CIRCULAR;
            default:
                throw new IllegalStateException(this + " padding is not a FixedPadding layer");
        }
    }

    /**
     * The mode of a name, ignoring case and surrounding blanks: "zero", "reflect", "replicate", "circular", "learned".
     *
     * @throws IllegalArgumentException naming the valid modes if {@code name} is none of them
     */
    public static PaddingMode parse(String name) {
        if (name != null) {
            String n = name.trim();
            for (PaddingMode m : values()) {
                if (m.name().equalsIgnoreCase(n)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("Unknown padding mode '" + name + "'; valid modes are: "
                + Arrays.stream(values()).map(PaddingMode::id).collect(Collectors.joining(", ")));
    }

    /**
     * The mode of a padding layer configuration built by {@link #layer(int, int, int, int)} (or by hand).
     *
     * @throws IllegalArgumentException if {@code layer} is not a padding layer
     */
    public static PaddingMode of(Layer layer) {
        if (layer instanceof ZeroPaddingLayer) {
            return ZERO;
        }
        if (layer instanceof PaddingModule) {
            return LEARNED;
        }
        if (layer instanceof FixedPadding) {
            switch (((FixedPadding) layer).getMode()) {
                case REFLECT:
                    return REFLECT;
                case REPLICATE:
                    return REPLICATE;
                case CIRCULAR:
                    return CIRCULAR;
                default:
                    throw new AssertionError(((FixedPadding) layer).getMode());
            }
        }
        throw new IllegalArgumentException("Not a padding layer: " + layer
                + " (expected ZeroPaddingLayer, FixedPadding or PaddingModule)");
    }

    /**
     * The amounts {@code [top, bottom, left, right]} of a padding layer configuration.
     *
     * @throws IllegalArgumentException if {@code layer} is not a padding layer
     */
    public static int[] padding(Layer layer) {
        if (layer instanceof ZeroPaddingLayer) {
            return ((ZeroPaddingLayer) layer).getPadding().clone();
        }
        if (layer instanceof PaddingModule) {
            return ((PaddingModule) layer).getPadding();
        }
        if (layer instanceof FixedPadding) {
            return ((FixedPadding) layer).getPadding();
        }
        throw new IllegalArgumentException("Not a padding layer: " + layer
                + " (expected ZeroPaddingLayer, FixedPadding or PaddingModule)");
    }
}
