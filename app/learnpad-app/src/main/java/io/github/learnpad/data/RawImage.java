package io.github.learnpad.data;

/** One decoded 8-bit image, planes in {@code (C, H, W)} order (row-major within a plane). */
final class RawImage {
    final int channels;
    final int height;
    final int width;
    /** Unsigned bytes, length {@code channels * height * width}. */
    final byte[] pixels;

    RawImage(int channels, int height, int width, byte[] pixels) {
        if (pixels.length != channels * height * width) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " != " + channels + "x" + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
    }
}
