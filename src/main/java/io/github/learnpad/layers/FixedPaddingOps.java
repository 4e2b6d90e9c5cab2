package io.github.learnpad.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward and backward of fixed (reflect, replicate, circular) padding on NCHW arrays. The forward copies the
 * interior with one ND4J assign (as DL4J's ZeroPaddingLayer does) and then fills the border; the backward adds the
 * border's gradient onto its sources in place and returns the interior as a view of the upstream gradient (no copy,
 * like ZeroPaddingLayer's view). The caller allocates the output (so that a DL4J layer can place it in its workspace).
 *
 * <p>The border is a few thin strided strips (for padding 1 of a (32, 64, 32, 32) map: 4 strips of ~70 000 elements).
 * One ND4J op per strip (an assign or addi on a view) costs a dispatch to the native thread pool each, which made
 * the backward alone several times ZeroPaddingLayer's whole forward + backward. The strips are therefore read and written directly through the
 * array's buffer and strides ({@link StridedAccess}, shared with the Padding Module): rows a row at a time, columns
 * element by element.
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
     * Pads images outside any network with a fixed mode, exactly as the mode's DL4J layer ({@code mode.layer(b)})
     * does inside one.
     *
     * @param x    {@code (N, C, H, W)}, FLOAT or DOUBLE
     * @param mode ZERO, REFLECT, REPLICATE or CIRCULAR
     * @param b    the amount on every side, {@code >= 0}
     * @return a new {@code (N, C, H + 2b, W + 2b)} array of {@code x}'s data type
     * @throws IllegalArgumentException for LEARNED, or when the mode cannot pad that much
     *                                  ({@link FixedPadding#checkSize})
     */
    public static INDArray pad(INDArray x, PaddingMode mode, int b) {
        if (mode == PaddingMode.LEARNED) {
            throw new IllegalArgumentException("FixedPaddingOps pads with the fixed modes; LEARNED needs a trained "
                    + "predictor (StandalonePaddingModule)");
        }
        if (x.rank() != 4 || b < 0) {
            throw new IllegalArgumentException("expected images (N, C, H, W) and an amount >= 0, got shape "
                    + java.util.Arrays.toString(x.shape()) + " and " + b);
        }
        SideAmounts amounts = SideAmounts.of(b, b, b, b);
        INDArray out = Nd4j.create(x.dataType(), amounts.paddedShape(x.shape()));
        if (mode == PaddingMode.ZERO) {
            out.get(amounts.interior(x.size(2), x.size(3))).assign(x);
            return out;
        }
        ((FixedPadding) mode.layer(b)).checkSize(x.size(2), x.size(3), "of images");
        return pad(x, mode.fixedMode(), amounts, out);
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
        return pad(input, mode, SideAmounts.of(pad), out);
    }

    static INDArray pad(INDArray input, FixedPadding.Mode mode, SideAmounts pad, INDArray out) {
        int l = pad.left();
        int n = (int) input.size(0), c = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        out.get(pad.interior(h, w)).assign(input);
        StridedAccess o = StridedAccess.of(out);
        Copies cp = new Copies(mode, pad, h, w);
        int[] rows = cp.rows, rowSrc = cp.rowSrc, cols = cp.cols, colSrc = cp.colSrc;
        double[] buf = new double[w];
        for (int a = 0; a < n; a++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < rows.length; k++) {
                    o.readRow(a, ch, rowSrc[k], l, w, buf, 0);
                    o.writeRow(a, ch, rows[k], l, w, buf, 0, false);
                }
                for (int i = 0; i < pad.paddedHeight(h); i++) {
                    for (int k = 0; k < cols.length; k++) {
                        o.set(a, ch, i, cols[k], o.get(a, ch, i, colSrc[k]));
                    }
                }
            }
        }
        o.commit();
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
        return unpadInPlace(gradOut, mode, SideAmounts.of(pad));
    }

    static INDArray unpadInPlace(INDArray gradOut, FixedPadding.Mode mode, SideAmounts pad) {
        int l = pad.left();
        int n = (int) gradOut.size(0), c = (int) gradOut.size(1);
        int h = (int) pad.unpaddedHeight(gradOut.size(2));
        int w = (int) pad.unpaddedWidth(gradOut.size(3));
        StridedAccess g = StridedAccess.of(gradOut);
        Copies cp = new Copies(mode, pad, h, w);
        int[] rows = cp.rows, rowSrc = cp.rowSrc, cols = cp.cols, colSrc = cp.colSrc;
        double[] buf = new double[w];
        for (int a = 0; a < n; a++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < gradOut.size(2); i++) {
                    for (int k = 0; k < cols.length; k++) {
                        g.add(a, ch, i, colSrc[k], g.get(a, ch, i, cols[k]));
                    }
                }
                for (int k = 0; k < rows.length; k++) {
                    g.readRow(a, ch, rows[k], l, w, buf, 0);
                    g.writeRow(a, ch, rowSrc[k], l, w, buf, 0, true);
                }
            }
        }
        g.commit();
        return gradOut.get(pad.interior(h, w));
    }

    /**
     * Which positions copy which, in output coordinates: padded row {@code rows[k]} copies row {@code rowSrc[k]},
     * padded column {@code cols[k]} copies column {@code colSrc[k]}.
     */
    private static final class Copies {
        final int[] rows, rowSrc, cols, colSrc;

        Copies(FixedPadding.Mode mode, SideAmounts pad, int h, int w) {
            rows = padded(pad.top(), h, pad.bottom());
            rowSrc = sources(rows, mode, h, pad.top());
            cols = padded(pad.left(), w, pad.right());
            colSrc = sources(cols, mode, w, pad.left());
        }
    }

    /** The padded positions along one axis, in output coordinates: {@code 0..before-1} and after the interior. */
    private static int[] padded(int before, int size, int after) {
        int[] idx = new int[before + after];
        for (int k = 0; k < before; k++) {
            idx[k] = k;
        }
        for (int k = 0; k < after; k++) {
            idx[before + k] = before + size + k;
        }
        return idx;
    }

    /** The output coordinate each padded position copies from. */
    private static int[] sources(int[] padded, FixedPadding.Mode mode, int size, int before) {
        int[] src = new int[padded.length];
        for (int k = 0; k < padded.length; k++) {
            src[k] = before + mode.source(padded[k] - before, size);
        }
        return src;
    }
}
