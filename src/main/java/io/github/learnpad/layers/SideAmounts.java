package io.github.learnpad.layers;

import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How much a padding layer adds on each of the four sides of an NCHW map, and the arithmetic on it (padded sizes,
 * where the input sits in the output, where a side's rings are): one value instead of four ints, an {@code int[4]}
 * and the sums written out at each use. Immutable.
 */
final class SideAmounts {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

    private SideAmounts(int top, int bottom, int left, int right) {
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    static SideAmounts of(int top, int bottom, int left, int right) {
        return new SideAmounts(top, bottom, left, right);
    }

    /** From {@code [top, bottom, left, right]}, the public APIs' form. */
    static SideAmounts of(int[] tblr) {
        if (tblr == null || tblr.length != 4) {
            throw new IllegalArgumentException("padding amounts must be [top, bottom, left, right], got "
                    + java.util.Arrays.toString(tblr));
        }
        return new SideAmounts(tblr[0], tblr[1], tblr[2], tblr[3]);
    }

    /** {@code [top, bottom, left, right]}, the public APIs' form. */
    int[] toArray() {
        return new int[]{top, bottom, left, right};
    }

    /** The amount on side s. */
    int get(Side s) {
        switch (s) {
            case TOP: return top;
            case BOTTOM: return bottom;
            case LEFT: return left;
            default: return right;
        }
    }

    int top() {
        return top;
    }

    int bottom() {
        return bottom;
    }

    int left() {
        return left;
    }

    int right() {
        return right;
    }

    /** {@code h + top + bottom}. */
    long paddedHeight(long h) {
        return h + top + bottom;
    }

    /** {@code w + left + right}. */
    long paddedWidth(long w) {
        return w + left + right;
    }

    /** {@code ho - top - bottom}: the input height of a padded height {@code ho}. */
    long unpaddedHeight(long ho) {
        return ho - top - bottom;
    }

    /** {@code wo - left - right}: the input width of a padded width {@code wo}. */
    long unpaddedWidth(long wo) {
        return wo - left - right;
    }

    /** The output shape {@code (N, C, H+t+b, W+l+r)} for an input {@code (N, C, H, W)}. */
    long[] paddedShape(long[] nchw) {
        return new long[]{nchw[0], nchw[1], paddedHeight(nchw[2]), paddedWidth(nchw[3])};
    }

    /** The input's place in the output of an {@code h x w} input: {@code [:, :, t:t+h, l:l+w]}. */
    INDArrayIndex[] interior(long h, long w) {
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + h),
                NDArrayIndex.interval(left, left + w)};
    }

    /**
     * The output row (top/bottom) or column (left/right) of side s's ring r (1 = just outside the input) for an
     * {@code h x w} input.
     */
    long ringIndex(Side s, int ring, long h, long w) {
        switch (s) {
            case TOP: return top - ring;
            case BOTTOM: return top + h - 1 + ring;
            case LEFT: return left - ring;
            default: return left + w - 1 + ring;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SideAmounts)) {
            return false;
        }
        SideAmounts a = (SideAmounts) o;
        return top == a.top && bottom == a.bottom && left == a.left && right == a.right;
    }

    @Override
    public int hashCode() {
        return ((top * 31 + bottom) * 31 + left) * 31 + right;
    }

    @Override
    public String toString() {
        return "(top " + top + ", bottom " + bottom + ", left " + left + ", right " + right + ")";
    }
}
