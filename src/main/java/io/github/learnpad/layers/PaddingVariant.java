package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A named padding to compare: a fixed {@link PaddingMode}, or the Padding Module with given
 * {@link PaddingModule.Builder} settings. {@link #layer(int, int, int, int)} gives its DL4J layer like
 * {@link PaddingMode#layer(int, int, int, int)} does, so a variant fits wherever a padding-layer factory is expected
 * ({@code variant::layer}).
 *
 * <pre>{@code
 * PaddingVariant.of(PaddingMode.REFLECT);                       // id "reflect"
 * PaddingVariant.LEARNED_MIXING;                                // id "learned-mixing": channelMixing(true)
 * PaddingVariant.learned("learned-k3", b -> b.contextDepth(3)); // any Builder settings, under a name
 * PaddingVariant.parse("learned-mixing");                       // the command line's names
 * }</pre>
 *
 * The settings are applied to a fresh builder on every {@code layer(...)} call, then the amounts are set (so the
 * settings must not set the padding). Two variants are equal when their ids are equal.
 */
public final class PaddingVariant {
    /** The Padding Module with its defaults (depthwise predictor): id "learned". */
    public static final PaddingVariant LEARNED = new PaddingVariant("learned", PaddingMode.LEARNED, b -> { });
    /** The Padding Module predicting each channel from all channels ({@code channelMixing(true)}): "learned-mixing". */
    public static final PaddingVariant LEARNED_MIXING = new PaddingVariant("learned-mixing", PaddingMode.LEARNED,
            b -> b.channelMixing(true));

    private final String id;
    private final PaddingMode mode;
    private final Consumer<PaddingModule.Builder> settings;

    private PaddingVariant(String id, PaddingMode mode, Consumer<PaddingModule.Builder> settings) {
        this.id = id;
        this.mode = mode;
        this.settings = settings;
    }

    /** A fixed mode, or LEARNED with the module's defaults; the id is the mode's id. */
    public static PaddingVariant of(PaddingMode mode) {
        Objects.requireNonNull(mode, "padding mode must not be null");
        return mode == PaddingMode.LEARNED ? LEARNED : new PaddingVariant(mode.id(), mode, null);
    }

    /**
     * The Padding Module with {@code settings} applied to its builder, under the name {@code id} (lower case, no
     * blanks or commas, and not a fixed mode's name, e.g. "learned-k3").
     */
    public static PaddingVariant learned(String id, Consumer<PaddingModule.Builder> settings) {
        Objects.requireNonNull(settings, "settings must not be null");
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("variant name '" + id + "' must be lower-case letters, digits, '.', "
                    + "'_' or '-' (it names run directories and table rows)");
        }
        for (PaddingMode m : PaddingMode.values()) {
            if (m != PaddingMode.LEARNED && m.id().equals(id)) {
                throw new IllegalArgumentException("variant name '" + id + "' is a fixed padding mode's name");
            }
        }
        return new PaddingVariant(id, PaddingMode.LEARNED, settings);
    }

    /** The names {@link #parse} accepts: the fixed modes, "learned" and "learned-mixing". */
    public static String validNames() {
        return Stream.concat(Arrays.stream(PaddingMode.values()).map(PaddingMode::id), Stream.of(LEARNED_MIXING.id))
                .collect(Collectors.joining(", "));
    }

    /**
     * A mode by name ({@link PaddingMode#parse}) or "learned-mixing", ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static PaddingVariant parse(String name) {
        if (name != null && LEARNED_MIXING.id.equals(name.trim().toLowerCase(Locale.ROOT))) {
            return LEARNED_MIXING;
        }
        try {
            return of(PaddingMode.parse(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown padding '" + name + "'; valid paddings are: " + validNames());
        }
    }

    /** The name used on command lines, in tables and in run directory names. */
    public String id() { return id; }

    /** The underlying mode (LEARNED for every Padding Module variant). */
    public PaddingMode mode() { return mode; }

    /** True when this is exactly a {@link PaddingMode} (no extra settings): its id is the mode's. */
    public boolean isPlainMode() { return mode.id().equals(id); }

    /** The DL4J layer padding by these amounts ({@code >= 0}); see {@link PaddingMode#layer(int, int, int, int)}. */
    public Layer layer(int top, int bottom, int left, int right) {
        if (mode != PaddingMode.LEARNED) {
            return mode.layer(top, bottom, left, right);
        }
        PaddingModule.Builder b = new PaddingModule.Builder();
        settings.accept(b);
        return b.padding(top, bottom, left, right).build();
    }

    /** {@link #layer(int, int, int, int)} with {@code p >= 0} on every side. */
    public Layer layer(int p) {
        return layer(p, p, p, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaddingVariant && ((PaddingVariant) o).id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
