package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arrays and comparisons the tests of the passes share. */
final class TestArrays {
    private TestArrays() {
    }

    /** Standard normal FLOAT values from {@code rnd}, in c order. */
    static INDArray random(Random rnd, long... shape) {
        INDArray a = Nd4j.create(DataType.FLOAT, shape);
        float[] v = new float[(int) a.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return a.assign(Nd4j.create(v, shape, 'c'));
    }

    /** Zero arrays shaped like the parameters, by name. */
    static Map<String, INDArray> zerosLike(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.ulike().assign(0)));
        return out;
    }

    /** Same shape, and no element differs by more than {@code tol} times max(1, the largest |expected|). */
    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }
}
