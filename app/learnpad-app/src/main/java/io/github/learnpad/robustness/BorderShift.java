package io.github.learnpad.robustness;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Locale;

/**
 * Moves image content toward one border: {@code shift(x, LEFT, d)} moves every image of {@code x (N, C, H, W)} d pixels
 * to the left (its d leftmost columns fall off) and fills the uncovered d columns on the right with the image's own
 * last column (replicate), so no artificial border (zeros) is introduced. Objects then sit closer to the border, where
 * the network's padding decides what it sees.
 */
public final class BorderShift {
    /** The border the content moves toward. */
    public enum Direction {
        LEFT, RIGHT, UP, DOWN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private BorderShift() {
    }

    /**
     * A shifted copy of {@code x} (NCHW); {@code d = 0} gives an exact copy.
     *
     * @throws IllegalArgumentException if {@code d < 0} or {@code d >=} the shifted axis' size
     */
    public static INDArray shift(INDArray x, Direction direction, int d) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("BorderShift expects NCHW images (rank 4), got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        boolean horizontal = direction == Direction.LEFT || direction == Direction.RIGHT;
        int axis = horizontal ? 3 : 2;
        int size = (int) x.size(axis);
        if (d < 0 || d >= size) {
            throw new IllegalArgumentException("shift " + d + " must be >= 0 and smaller than the image's "
                    + (horizontal ? "width " : "height ") + size);
        }
        INDArray out = x.dup('c');
        if (d == 0) {
            return out;
        }
        boolean towardStart = direction == Direction.LEFT || direction == Direction.UP;
        if (towardStart) {
            // out[i] = x[i + d] for i < size - d; the last d positions repeat x's last one
            out.get(range(axis, 0, size - d)).assign(x.get(range(axis, d, size)));
            for (int i = size - d; i < size; i++) {
                out.get(range(axis, i, i + 1)).assign(x.get(range(axis, size - 1, size)));
            }
        } else {
            // out[i] = x[i - d] for i >= d; the first d positions repeat x's first one
            out.get(range(axis, d, size)).assign(x.get(range(axis, 0, size - d)));
            for (int i = 0; i < d; i++) {
                out.get(range(axis, i, i + 1)).assign(x.get(range(axis, 0, 1)));
            }
        }
        return out;
    }

    private static INDArrayIndex[] range(int axis, int from, int to) {
        INDArrayIndex[] idx = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
        idx[axis] = NDArrayIndex.interval(from, to);
        return idx;
    }
}
