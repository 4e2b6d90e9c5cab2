package io.github.learnpad.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.github.learnpad.layers.FixedPadding.Mode.CIRCULAR;
import static io.github.learnpad.layers.FixedPadding.Mode.REFLECT;
import static io.github.learnpad.layers.FixedPadding.Mode.REPLICATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-computed examples of {@link FixedPaddingOps}, forward and backward (the PyTorch semantics). */
class FixedPaddingOpsTest {

    private static final int[] ROW_BY_2 = {0, 0, 2, 2};

    private static INDArray row(DataType type, double... v) {
        return Nd4j.create(v, new long[]{1, 1, 1, v.length}, type);
    }

    private static double[] pad(FixedPadding.Mode mode, INDArray x, int[] p) {
        long[] s = x.shape();
        INDArray out = Nd4j.create(x.dataType(), s[0], s[1], s[2] + p[0] + p[1], s[3] + p[2] + p[3]);
        out.assign(Double.NaN); // every position must be overwritten
        return FixedPaddingOps.pad(x, mode, p, out).reshape(-1).toDoubleVector();
    }

    private static double[] unpad(FixedPadding.Mode mode, INDArray eps, int[] p) {
        return FixedPaddingOps.unpadInPlace(eps.dup(), mode, p).dup().reshape(-1).toDoubleVector();
    }

    @Test
    void rowPaddedByTwo() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = row(type, 1, 2, 3, 4);
            assertArrayEquals(new double[]{3, 2, 1, 2, 3, 4, 3, 2}, pad(REFLECT, x, ROW_BY_2));
            assertArrayEquals(new double[]{1, 1, 1, 2, 3, 4, 4, 4}, pad(REPLICATE, x, ROW_BY_2));
            assertArrayEquals(new double[]{3, 4, 1, 2, 3, 4, 1, 2}, pad(CIRCULAR, x, ROW_BY_2));
        }
    }

    @Test
    void rowGradientIsScatterAdd() {
        // Upstream gradient 1..8 on the 8 output positions, summed onto the source of each position.
        INDArray eps = row(DataType.DOUBLE, 1, 2, 3, 4, 5, 6, 7, 8);
        // reflect [3,2,1,2,3,4,3,2]: x1 <- 3; x2 <- 2+4+8; x3 <- 1+5+7; x4 <- 6 (SameDiff's pad gives [3,4,5,6]).
        assertArrayEquals(new double[]{3, 14, 13, 6}, unpad(REFLECT, eps, ROW_BY_2));
        // replicate [1,1,1,2,3,4,4,4]: x1 <- 1+2+3; x4 <- 6+7+8.
        assertArrayEquals(new double[]{6, 4, 5, 21}, unpad(REPLICATE, eps, ROW_BY_2));
        // circular [3,4,1,2,3,4,1,2]: x1 <- 3+7; x2 <- 4+8; x3 <- 1+5; x4 <- 2+6.
        assertArrayEquals(new double[]{10, 12, 6, 8}, unpad(CIRCULAR, eps, ROW_BY_2));
    }

    @Test
    void columnPaddingWorksLikeRowPadding() {
        INDArray x = Nd4j.create(new double[]{1, 2, 3, 4}, new long[]{1, 1, 4, 1}, DataType.DOUBLE);
        int[] p = {2, 2, 0, 0};
        assertArrayEquals(new double[]{3, 2, 1, 2, 3, 4, 3, 2}, pad(REFLECT, x, p));
        assertArrayEquals(new double[]{1, 1, 1, 2, 3, 4, 4, 4}, pad(REPLICATE, x, p));
        assertArrayEquals(new double[]{3, 4, 1, 2, 3, 4, 1, 2}, pad(CIRCULAR, x, p));
    }

    /**
     * 3x3 input [[1,2,3],[4,5,6],[7,8,9]], padding top 1, bottom 2, left 2, right 1: output 6x6, corners included.
     * Checked by hand (and identical to torch.nn.functional.pad(x, (2, 1, 1, 2), mode)).
     */
    @Test
    void asymmetric2dWithCorners() {
        INDArray x = Nd4j.create(new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[]{1, 1, 3, 3}, DataType.FLOAT);
        int[] p = {1, 2, 2, 1};
        assertArrayEquals(new double[]{
                6, 5, 4, 5, 6, 5,
                3, 2, 1, 2, 3, 2,
                6, 5, 4, 5, 6, 5,
                9, 8, 7, 8, 9, 8,
                6, 5, 4, 5, 6, 5,
                3, 2, 1, 2, 3, 2}, pad(REFLECT, x, p));
        assertArrayEquals(new double[]{
                1, 1, 1, 2, 3, 3,
                1, 1, 1, 2, 3, 3,
                4, 4, 4, 5, 6, 6,
                7, 7, 7, 8, 9, 9,
                7, 7, 7, 8, 9, 9,
                7, 7, 7, 8, 9, 9}, pad(REPLICATE, x, p));
        assertArrayEquals(new double[]{
                8, 9, 7, 8, 9, 7,
                2, 3, 1, 2, 3, 1,
                5, 6, 4, 5, 6, 4,
                8, 9, 7, 8, 9, 7,
                2, 3, 1, 2, 3, 1,
                5, 6, 4, 5, 6, 4}, pad(CIRCULAR, x, p));
    }

    /** Backward of the 2D example with an all-ones gradient: each input gets the number of positions that copy it. */
    @Test
    void asymmetric2dGradientCountsCopies() {
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 1, 1, 6, 6);
        int[] p = {1, 2, 2, 1};
        // reflect: row sources (1,0,1,2,1,0): row counts [2,3,1]; column sources (2,1,0,1,2,1): [1,3,2].
        assertArrayEquals(new double[]{2, 6, 4, 3, 9, 6, 1, 3, 2}, unpad(REFLECT, ones, p));
        // replicate: rows (0,0,1,2,2,2): [2,1,3]; columns (0,0,0,1,2,2): [3,1,2].
        assertArrayEquals(new double[]{6, 2, 4, 3, 1, 2, 9, 3, 6}, unpad(REPLICATE, ones, p));
        // circular: rows (2,0,1,2,0,1): [2,2,2]; columns (1,2,0,1,2,0): [2,2,2].
        assertArrayEquals(new double[]{4, 4, 4, 4, 4, 4, 4, 4, 4}, unpad(CIRCULAR, ones, p));
    }

    @Test
    void batchAndChannelsArePaddedIndependently() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 4, 5);
        int[] p = {3, 1, 0, 2};
        INDArray out = Nd4j.create(DataType.DOUBLE, 3, 2, 8, 7);
        FixedPaddingOps.pad(x, REFLECT, p, out);
        for (int n = 0; n < 3; n++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 8; i++) {
                    for (int j = 0; j < 7; j++) {
                        int si = REFLECT.source(i - 3, 4);
                        int sj = REFLECT.source(j, 5);
                        assertEquals(x.getDouble(n, c, si, sj), out.getDouble(n, c, i, j), 0.0);
                    }
                }
            }
        }
    }

    /** The in-place backward works on a non-contiguous view (as a MergeVertex passes) and leaves the rest alone. */
    @Test
    void backwardInPlaceOnAView() {
        INDArray big = Nd4j.rand(DataType.DOUBLE, 2, 5, 7, 6);
        INDArray before = big.dup();
        INDArray view = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all());
        int[] p = {2, 1, 1, 2};
        INDArray expected = FixedPaddingOps.unpadInPlace(view.dup(), REFLECT, p).dup();
        INDArray got = FixedPaddingOps.unpadInPlace(view, REFLECT, p);
        assertEquals(expected, got);
        assertEquals(expected, big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 6),
                NDArrayIndex.interval(1, 4)));
        assertEquals(before.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)),
                big.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)));
        assertEquals(before.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 5)),
                big.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 5)));
    }
}
