package io.github.learnpad.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HolmTest {
    @Test
    void matchesRsPAdjust() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
        assertArrayEquals(new double[]{0.03, 0.06, 0.06, 0.02}, Holm.adjust(new double[]{0.01, 0.04, 0.03, 0.005}),
                1e-15);
        // R: p.adjust(c(0.2, 0.001, 0.9, 0.04, 0.5), "holm") = 0.6 0.005 1.0 0.16 1.0 (capped, monotone)
        assertArrayEquals(new double[]{0.6, 0.005, 1.0, 0.16, 1.0},
                Holm.adjust(new double[]{0.2, 0.001, 0.9, 0.04, 0.5}), 1e-15);
    }

    @Test
    void aFamilyOfOneIsUnchangedAndAdjustedNeverBelowRaw() {
        assertArrayEquals(new double[]{0.037}, Holm.adjust(new double[]{0.037}), 0);
        double[] p = {0.011, 0.012, 0.013, 0.5, 0.0001, 0.04, 0.049, 0.3};
        double[] a = Holm.adjust(p);
        for (int i = 0; i < p.length; i++) {
            assertTrue(a[i] >= p[i] && a[i] <= 1, i + ": " + a[i]);
        }
        assertEquals(8 * 0.0001, a[4], 1e-18); // the smallest is multiplied by m
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Holm.adjust(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Holm.adjust(new double[]{0.1, Double.NaN}));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Holm.adjust(new double[]{1.5}));
    }
}
