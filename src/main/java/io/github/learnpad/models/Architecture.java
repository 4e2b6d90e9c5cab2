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
