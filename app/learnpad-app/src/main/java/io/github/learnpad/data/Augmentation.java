package io.github.learnpad.data;

/**
 * Training-time augmentation applied per image by {@link ImageBatches}.
 *
 * <p>Random crop: the image is reflect-padded by {@code cropPadding} pixels on every side (reflection without
 * repeating the edge pixel, numpy's {@code "reflect"}: {@code [a b c]} padded by 1 is {@code [b a b c b]}) and a
 * window of the original size is cut at a uniformly random offset in {@code 0..2*cropPadding} per axis (independently
 * for rows and columns). Horizontal
 * flip: with probability 1/2, columns are reversed. {@code cropPadding} must be smaller than the image height and width.
 *
 * <p>Caution for padding studies: reflect-padded crops show the network reflected borders during training, which can
 * favour a reflect padding mode in the comparison. Keep augmentation off for a clean comparison.
 *
 * @param cropPadding     pixels of reflect padding before the random crop; 0 disables cropping
 * @param horizontalFlip  whether to flip half the images left-right
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The usual CIFAR recipe: pad 4 (reflect) and crop back, random horizontal flip. */
    public static final Augmentation CROP_AND_FLIP = new Augmentation(4, true);

    public Augmentation {
        if (cropPadding < 0) {
            throw new IllegalArgumentException("cropPadding must be >= 0, got " + cropPadding);
        }
    }

    /** True if this changes images at all. */
    public boolean enabled() {
        return cropPadding > 0 || horizontalFlip;
    }
}
