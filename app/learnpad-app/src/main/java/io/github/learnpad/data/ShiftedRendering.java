package io.github.learnpad.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A dataset's own continuation of its images beyond their borders, for the border-shift evaluation: the test set with
 * every image's content moved by {@code (dx, dy)} pixels and the uncovered strip filled as the data itself would be
 * (Fashion-MNIST: its black background; items on photographs: the photograph around the crop, composed again). Such
 * a fill favours no padding, unlike the replicate fill, which is what replicate padding itself assumes.
 */
public interface ShiftedRendering {
    /** The fill's name in reports, e.g. "black" or "continued-background". */
    String fill();

    /**
     * The whole set {@code (N, C, H, W)} FLOAT with the content moved {@code dx} pixels to the right (negative: left)
     * and {@code dy} down (negative: up); the images' order and labels are unchanged. A new array, owned by the
     * caller, which may close it.
     */
    INDArray render(int dx, int dy);

    /**
     * Moves {@code features} and fills the uncovered strip with {@code value} (e.g. 0 for a black background).
     *
     * @param name the fill's name
     */
    static ShiftedRendering constant(String name, INDArray features, double value) {
        return new ShiftedRendering() {
            @Override
            public String fill() {
                return name;
            }

            @Override
            public INDArray render(int dx, int dy) {
                long h = features.size(2);
                long w = features.size(3);
                if (Math.abs(dx) >= w || Math.abs(dy) >= h) {
                    throw new IllegalArgumentException("shift (" + dx + ", " + dy + ") is not smaller than the images ("
                            + h + " x " + w + ")");
                }
                INDArray out = features.ulike().assign(value);
                out.get(window(h, w, dx, dy, true)).assign(features.get(window(h, w, dx, dy, false)));
                return out;
            }
        };
    }

    /** The target (moved) or source window of a shift by (dx, dy). */
    private static INDArrayIndex[] window(long h, long w, int dx, int dy, boolean target) {
        int sx = target ? dx : -dx;
        int sy = target ? dy : -dy;
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(Math.max(0, sy), h + Math.min(0, sy)),
                NDArrayIndex.interval(Math.max(0, sx), w + Math.min(0, sx))};
    }
}
