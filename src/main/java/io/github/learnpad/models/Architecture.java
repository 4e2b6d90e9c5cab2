package io.github.learnpad.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The networks LearnPad builds by name: the command line's {@code --model} and the {@code "model"} of a run's
 * run.json. Each gives a fresh {@link ModelBuilder}, so every option (classes, input shape, padding mode, updater,
 * seed) is set the same way for all of them.
 *
 * <pre>{@code
 * ComputationGraph net = Architecture.parse("vgg16").builder().numClasses(10).inputShape(3, 32, 32)
 *         .padding(PaddingMode.LEARNED).seed(1).build().init();
 * }</pre>
 */
public enum Architecture {
    /** {@link SmallCnn}: seconds per epoch on a subset. */
    SMALL,
    /** {@link Vgg16}. */
    VGG16,
    /** {@link ResNet50}. */
    RESNET50;

    /** The lower-case name ({@code small}, {@code vgg16}, {@code resnet50}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@link ModelBuilder#variant} applies (VGG16 and ResNet50 have CIFAR and ImageNet layouts). */
    public boolean hasVariants() {
        return this != SMALL;
    }

    /** A new builder for this network. */
    public ModelBuilder<?, ?> builder() {
        switch (this) {
            case SMALL:
                return SmallCnn.builder();
            case VGG16:
                return Vgg16.builder();
            case RESNET50:
                return ResNet50.builder();
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Why this network does not take inputs of {@code channels x height x width}, or null if it does: the message its
     * builder's {@code build()} would fail with (the model's name first, e.g. {@code "Vgg16: input height and width
     * must be multiples of 32 ..."}). Answered by arithmetic on the layout, without building a configuration, so a
     * caller can try many sizes.
     *
     * <p>Only the input shape is judged: any number of classes the builder takes, and any padding (no padding layer
     * depends on the size). The size rules, and their messages, are the builders' ({@link SmallCnn}, {@link Vgg16},
     * {@link ResNet50}); {@code ArchitectureSizesTest} checks that the two agree.
     *
     * @param variant the layout of VGG16 and ResNet50, or null for {@link Variant#defaultFor} the size; ignored by
     *                {@link #SMALL}, which has one
     */
    public String whyNot(Variant variant, int channels, int height, int width) {
        String model = this == SMALL ? "SmallCnn" : this == VGG16 ? "Vgg16" : "ResNet50";
        if (channels < 1 || height < 1 || width < 1) {
            return model + ": invalid inputShape (" + channels + ", " + height + ", " + width + "); all must be >= 1";
        }
        Variant v = variant != null ? variant : Variant.defaultFor(height, width);
        switch (this) {
            case SMALL:
                return height < 4 || width < 4 ? "SmallCnn: input height and width must be >= 4, got " + height
                        + " x " + width : null;
            case VGG16:
                return height % 32 != 0 || width % 32 != 0 ? "Vgg16: input height and width must be multiples of 32 "
                        + "(five 2x2 max-pools), got " + height + " x " + width : null;
            case RESNET50:
                return v == Variant.IMAGENET && (ResNet50.res5Size(height) < 2 || ResNet50.res5Size(width) < 2)
                        ? "ResNet50: the IMAGENET (zoo) layout needs inputs of at least 69 x 69 (its final 3x3/2 pool "
                        + "needs a 2x2 or larger last feature map), got " + height + " x " + width
                        + ". Use variant(Variant.CIFAR) for small images" : null;
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * The smallest side {@code s} in {@code [from, to]} such that this network takes {@code channels x s x s} inputs
     * ({@link #whyNot}), or -1 if there is none.
     */
    public int smallestSquareSize(Variant variant, int channels, int from, int to) {
        for (int s = Math.max(from, 1); s <= to; s++) {
            if (whyNot(variant, channels, s, s) == null) {
                return s;
            }
        }
        return -1;
    }

    /**
     * The architecture named {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known ones
     */
    public static Architecture parse(String id) {
        for (Architecture a : values()) {
            if (a.id().equalsIgnoreCase(id.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "'; use one of "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
