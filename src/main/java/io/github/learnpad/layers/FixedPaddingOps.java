package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Forward and backward of fixed (reflect, replicate, circular) padding on NCHW arrays, with ND4J ops on views: the
 * forward is one copy of the interior plus one copy per padded row and column, the backward one in-place add per
 * padded row and column and no copy at all (like DL4J's ZeroPaddingLayer, it returns a view of the upstream
 * gradient). No per-element Java loops. The caller allocates the output (so that a DL4J layer can place it in its
 * workspace).
 *
 * <p>Forward: rows first, then columns over the row-padded map; each padded row/column is a copy of the interior
 * row/column given by {@link FixedPadding.Mode#source(int, int)}. Backward is its exact adjoint, in reverse order:
 * the gradient of each padded column is added onto its source column (over the full padded height), then the
 * gradient of each padded row onto its source row. A source that several padded positions copy receives the sum of
 * their gradients (e.g. replicate's edge).
 */
public final class FixedPaddingOps {

    private FixedPaddingOps() {
    }

    /**
     * Pads {@code input} into {@code out}.
     *
     * @param input {@code (N, C, H, W)}
     * @param mode  the padding rule; the amounts must satisfy its size constraint (not checked here)
     * @param pad   {@code [top, bottom, left, right]}
     * @param out   {@code (N, C, H + top + bottom, W + left + right)}, any content; fully overwritten
     * @return {@code out}
     */
    public static INDArray pad(INDArray input, FixedPadding.Mode mode, int[] pad, INDArray out) {
        int t = pad[0], b = pad[1], l = pad[2], r = pad[3];
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        out.get(all(), all(), NDArrayIndex.interval(t, t + h), NDArrayIndex.interval(l, l + w)).assign(input);
        // Padded rows, over the interior columns only: the corners are filled by the column pass below.
        INDArrayIndex interiorCols = NDArrayIndex.interval(l, l + w);
        for (int i : padded(t, h, b)) {
            out.get(all(), all(), NDArrayIndex.point(t + i), interiorCols)
                    .assign(out.get(all(), all(), NDArrayIndex.point(t + mode.source(i, h)), interiorCols));
        }
        // Padded columns over the full padded height (corners included).
        for (int j : padded(l, w, r)) {
            out.get(all(), all(), all(), NDArrayIndex.point(l + j))
                    .assign(out.get(all(), all(), all(), NDArrayIndex.point(l + mode.source(j, w))));
        }
        return out;
    }

    /**
     * Gradient of {@link #pad} with respect to its input, computed in place: the gradient of every padded position is
     * added onto the position it was copied from, inside {@code gradOut}, and the interior is returned.
     *
     * @param gradOut the gradient of the padded output, {@code (N, C, H + top + bottom, W + left + right)}; MODIFIED
     *                (its interior becomes the input gradient, its border keeps the padded positions' gradients)
     * @param mode    the padding rule used in the forward pass
     * @param pad     {@code [top, bottom, left, right]}
     * @return the input gradient {@code (N, C, H, W)}, a view of the interior of {@code gradOut}
     */
    public static INDArray unpadInPlace(INDArray gradOut, FixedPadding.Mode mode, int[] pad) {
        int t = pad[0], b = pad[1], l = pad[2], r = pad[3];
        int h = (int) gradOut.size(2) - t - b;
        int w = (int) gradOut.size(3) - l - r;
        // Columns, over the full padded height (the corners' gradients go to the padded rows' interior columns first).
        for (int j : padded(l, w, r)) {
            gradOut.get(all(), all(), all(), NDArrayIndex.point(l + mode.source(j, w)))
                    .addi(gradOut.get(all(), all(), all(), NDArrayIndex.point(l + j)));
        }
        // Then rows, over the interior columns. Padded rows are only read and interior rows only written, so the
        // order of the additions does not matter.
        INDArrayIndex interiorCols = NDArrayIndex.interval(l, l + w);
        for (int i : padded(t, h, b)) {
            gradOut.get(all(), all(), NDArrayIndex.point(t + mode.source(i, h)), interiorCols)
                    .addi(gradOut.get(all(), all(), NDArrayIndex.point(t + i), interiorCols));
        }
        return gradOut.get(all(), all(), NDArrayIndex.interval(t, t + h), interiorCols);
    }

    /** The padded positions along one axis, relative to the input: {@code -before..-1} and {@code size..size+after-1}. */
    private static int[] padded(int before, int size, int after) {
        int[] idx = new int[before + after];
        for (int k = 0; k < before; k++) {
            idx[k] = k - before;
        }
        for (int k = 0; k < after; k++) {
            idx[before + k] = size + k;
        }
        return idx;
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
