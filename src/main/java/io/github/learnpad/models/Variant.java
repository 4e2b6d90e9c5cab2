package io.github.learnpad.models;

/**
 * Which layout a model builder ({@link Vgg16}, {@link ResNet50}) produces.
 */
public enum Variant {
    /**
     * The DL4J zoo layout ({@code org.deeplearning4j.zoo.model.VGG16} / {@code ResNet50}), for ImageNet-size inputs:
     * with {@code PaddingMode.ZERO} the parameter count is exactly the zoo model's.
     */
    IMAGENET,
    /**
     * A layout for small (CIFAR-size, 32x32) inputs: VGG16 with batch normalisation after each convolution and a
     * 512-512-classes head; ResNet50 with a 3x3 stride-1 stem and a global average pooling head.
     */
    CIFAR;

    /** The default for an input of {@code height x width}: CIFAR if both are at most 64, else IMAGENET. */
    public static Variant defaultFor(int height, int width) {
        return height <= 64 && width <= 64 ? CIFAR : IMAGENET;
    }
}
