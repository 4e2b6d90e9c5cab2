package io.github.learnpad.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns 8-bit images into an {@link ImageDataset}: scale to [0, 1], convert channels ({@link ChannelPolicy}), resize
 * ({@link BilinearResizer}). Channel conversion comes first (both steps are linear, so the order changes only float
 * rounding, and converting first is cheaper when going to grey).
 */
final class ImageAssembler {
    /** Images converted per copy into the off-heap array, to bound the on-heap float buffer. */
    private static final int CHUNK = 1024;

    private ImageAssembler() {
    }

    /**
     * @param indices  which images of {@code source} to keep, in this order ({@code null}: all)
     * @param height   target height or {@code null} for native
     * @param width    target width or {@code null} for native
     */
    static ImageDataset assemble(ImageSource source, int[] indices, Integer height, Integer width,
                                 ChannelPolicy policy) throws IOException {
        int n = indices == null ? source.size() : indices.length;
        if (n == 0) {
            throw new IllegalArgumentException("Dataset '" + source.name() + "' has no images");
        }
        List<RawImage> decoded = null;
        int nativeC = source.fixedChannels();
        int nativeH = source.fixedHeight();
        int nativeW = source.fixedWidth();
        if (nativeC < 0 || nativeH < 0 || nativeW < 0) {
            // Image folders: decode everything once to learn channels and sizes.
            decoded = new ArrayList<>(n);
            int maxC = 1;
            for (int k = 0; k < n; k++) {
                RawImage img = source.image(index(indices, k));
                decoded.add(img);
                maxC = Math.max(maxC, img.channels);
                if (k == 0) {
                    nativeH = img.height;
                    nativeW = img.width;
                } else if (height == null && (img.height != nativeH || img.width != nativeW)) {
                    throw new IllegalArgumentException("Images in '" + source.name() + "' have different sizes ("
                            + nativeH + "x" + nativeW + " and " + img.height + "x" + img.width
                            + "): give a target height and width so that all are resized to one size");
                }
            }
            nativeC = maxC;
        }
        int c = policy.channelsFor(nativeC);
        int h = height == null ? nativeH : height;
        int w = width == null ? nativeW : width;
        int per = c * h * w;
        INDArray features = Nd4j.create(DataType.FLOAT, n, c, h, w);
        int[] labels = new int[n];
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            float[] buf = new float[(end - start) * per];
            for (int k = start; k < end; k++) {
                int i = index(indices, k);
                RawImage img = decoded != null ? decoded.get(k) : source.image(i);
                labels[k] = source.label(i);
                float[] px = convert(img, c);
                float[] sized = BilinearResizer.resize(px, c, img.height, img.width, h, w);
                System.arraycopy(sized, 0, buf, (k - start) * per, per);
            }
            INDArray chunk = Nd4j.create(buf, new long[]{end - start, c, h, w}, 'c');
            features.get(NDArrayIndex.interval(start, end), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(chunk);
        }
        return new ImageDataset(source.name(), features, labels, source.classNames());
    }

    /**
     * Assembles a train and a test split so that they agree: with {@link ChannelPolicy#KEEP} an image folder whose
     * splits differ (one all grey, one with colour) gets 3 channels in both; differing native sizes are an error.
     */
    static TrainTest assemblePair(ImageSource train, int[] trainIdx, ImageSource test, int[] testIdx,
                                  Integer height, Integer width, ChannelPolicy policy) throws IOException {
        ImageDataset a = assemble(train, trainIdx, height, width, policy);
        ImageDataset b = assemble(test, testIdx, height, width, policy);
        if (a.channels() != b.channels()) {
            if (a.channels() == 1) {
                a = assemble(train, trainIdx, height, width, ChannelPolicy.RGB);
            } else {
                b = assemble(test, testIdx, height, width, ChannelPolicy.RGB);
            }
        }
        if (a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException("Train images of '" + train.name() + "' are " + a.height() + "x" + a.width()
                    + " but test images are " + b.height() + "x" + b.width()
                    + ": give a target height and width so that both are resized to one size");
        }
        return new TrainTest(a, b);
    }

    private static int index(int[] indices, int k) {
        return indices == null ? k : indices[k];
    }

    /** Bytes to [0, 1] floats with {@code outC} channels (see {@link ChannelPolicy} for the formulas). */
    static float[] convert(RawImage img, int outC) {
        int plane = img.height * img.width;
        float[] out = new float[outC * plane];
        byte[] p = img.pixels;
        if (img.channels == outC) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (p[i] & 0xFF) / 255f;
            }
        } else if (img.channels == 1 && outC == 3) {
            for (int i = 0; i < plane; i++) {
                float v = (p[i] & 0xFF) / 255f;
                out[i] = v;
                out[plane + i] = v;
                out[2 * plane + i] = v;
            }
        } else if (img.channels == 3 && outC == 1) {
            for (int i = 0; i < plane; i++) {
                double y = 0.299 * (p[i] & 0xFF) + 0.587 * (p[plane + i] & 0xFF) + 0.114 * (p[2 * plane + i] & 0xFF);
                out[i] = (float) (y / 255.0);
            }
        } else {
            throw new IllegalArgumentException("cannot convert " + img.channels + " channels to " + outC);
        }
        return out;
    }
}
