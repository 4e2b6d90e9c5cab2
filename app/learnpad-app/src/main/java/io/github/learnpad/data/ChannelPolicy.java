package io.github.learnpad.data;

/**
 * How many colour channels the loaded images get.
 *
 * <p>Grey to colour replicates the grey plane into R, G and B. Colour to grey uses the ITU-R BT.601 luma weights
 * {@code 0.299 R + 0.587 G + 0.114 B} on the stored (gamma-encoded) values, as PIL's {@code convert("L")} does.
 */
public enum ChannelPolicy {
    /** Keep the dataset's own channels (Fashion-MNIST 1, CIFAR-10 3; an image folder is 1 only if every image is grey). */
    KEEP,
    /** Force 1 channel (grey). */
    GREY,
    /** Force 3 channels (RGB). */
    RGB;

    /** The channel count this policy produces for data that natively has {@code nativeChannels}. */
    public int channelsFor(int nativeChannels) {
        switch (this) {
            case GREY: return 1;
            case RGB: return 3;
            default: return nativeChannels;
        }
    }
}
