package io.github.learnpad;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exact comparison of arrays, for results the maths says are identical. JUnit's {@code assertEquals(INDArray,
 * INDArray)} and {@code INDArray.equals} allow a difference of 1e-5 and cannot check that.
 */
public final class Exact {
    private Exact() {
    }

    /**
     * Same shape and every element equal ({@code ==} on the values widened to double, which is exact for FLOAT and
     * HALF; NaN equals NaN, and -0 equals 0).
     */
    public static void assertIdentical(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = values(expected), a = values(actual);
        int differing = 0, first = -1;
        double maxDiff = 0;
        for (int i = 0; i < e.length; i++) {
            boolean same = e[i] == a[i] || (Double.isNaN(e[i]) && Double.isNaN(a[i]));
            if (!same) {
                differing++;
                first = first < 0 ? i : first;
                maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
            }
        }
        if (differing > 0) {
            fail(what + ": " + differing + " of " + e.length + " elements differ (max |difference| " + maxDiff
                    + "; first at flat index " + first + ": " + e[first] + " vs " + a[first] + ")");
        }
    }

    /** True if {@code a} and {@code b} have the same shape and identical elements, in the sense of assertIdentical. */
    public static boolean identical(INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            return false;
        }
        double[] x = values(a), y = values(b);
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i] && !(Double.isNaN(x[i]) && Double.isNaN(y[i]))) {
                return false;
            }
        }
        return true;
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
