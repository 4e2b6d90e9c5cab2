package io.github.learnpad.data;

import java.util.Arrays;
import java.util.List;

/** Fixed-size 8-bit images stored back to back in one byte array (IDX and CIFAR-10 binary files). */
final class PackedImageSource implements ImageSource {
    private final String name;
    private final List<String> classNames;
    private final byte[] data;
    private final int firstPixel;
    private final int recordStride;
    private final int channels;
    private final int height;
    private final int width;
    private final int[] labels;

    /**
     * @param firstPixel   index in {@code data} of the first pixel of image 0
     * @param recordStride distance in bytes between the first pixels of consecutive images
     */
    PackedImageSource(String name, List<String> classNames, byte[] data, int firstPixel, int recordStride,
                      int channels, int height, int width, int[] labels) {
        this.name = name;
        this.classNames = List.copyOf(classNames);
        this.data = data;
        this.firstPixel = firstPixel;
        this.recordStride = recordStride;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
    }

    @Override public String name() { return name; }
    @Override public List<String> classNames() { return classNames; }
    @Override public int size() { return labels.length; }
    @Override public int label(int i) { return labels[i]; }
    @Override public int fixedChannels() { return channels; }
    @Override public int fixedHeight() { return height; }
    @Override public int fixedWidth() { return width; }

    @Override
    public RawImage image(int i) {
        int start = firstPixel + i * recordStride;
        return new RawImage(channels, height, width, Arrays.copyOfRange(data, start, start + channels * height * width));
    }
}
