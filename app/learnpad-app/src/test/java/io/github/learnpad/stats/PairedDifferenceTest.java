package io.github.learnpad.stats;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reference values from SciPy 1.17.1 ({@code scipy.stats.t.ppf}, {@code ttest_1samp}, {@code t.interval},
 * {@code nct}, {@code optimize.brentq}) and from R's documented example {@code power.t.test(n = 20, delta = 1)}.
 */
class PairedDifferenceTest {

    @Test
    void tQuantilesMatchScipy() {
        assertEquals(12.706204736174694, PairedDifference.tQuantile(0.975, 1), 1e-8);
        assertEquals(2.7764451051977934, PairedDifference.tQuantile(0.975, 4), 1e-9);
        assertEquals(2.262157162798205, PairedDifference.tQuantile(0.975, 9), 1e-9);
        assertEquals(0.9409645772351816, PairedDifference.tQuantile(0.8, 4), 1e-9);
        assertEquals(9.924843200918287, PairedDifference.tQuantile(0.995, 2), 1e-8);
        assertEquals(2.0422724563012378, PairedDifference.tQuantile(0.975, 30), 1e-9);
    }

    @Test
    void pilotDifferencesMatchScipy() {
        // The pilot: learned - zero per seed.
        PairedDifference d = PairedDifference.ofDifferences(new double[]{-0.038, -0.019, 0.027, -0.039});
        assertEquals(4, d.n());
        assertEquals(-0.01725, d.mean(), 1e-15);
        assertEquals(0.0309017259496402, d.sd(), 1e-15);
        assertEquals(-0.06642154178766106, d.ciLow(), 1e-10);
        assertEquals(0.03192154178766107, d.ciHigh(), 1e-10);
        assertEquals(0.34559818238291273, d.pValue(), 1e-9);
        assertEquals(6.0 / 16, d.signFlipPValue(), 0); // exact: 6 of 16 sign patterns
        assertEquals(0.06575730744006938, d.detectable(), 1e-8);
    }

    @Test
    void fiveSeedsMatchScipy() {
        PairedDifference d = PairedDifference.of(new double[]{0.91, 0.896, 0.912, 0.903, 0.907},
                new double[]{0.9, 0.9, 0.9, 0.9, 0.9});
        assertEquals(-0.002282366283213746, d.ciLow(), 1e-10);
        assertEquals(0.013482366283213747, d.ciHigh(), 1e-10);
        assertEquals(0.11982375436590341, d.pValue(), 1e-9);
        assertEquals(0.1875, d.signFlipPValue(), 0);
    }

    @Test
    void powerMatchesRAndScipy() {
        // R: power.t.test(n = 20, delta = 1) -> 0.8689528 (upper tail only, df 38, ncp sqrt(10));
        // SciPy two-sided: nct.sf(c) + nct.cdf(-c) = 0.86895302772399.
        assertEquals(0.86895302772399, PairedDifference.power(38, Math.sqrt(10), 0.05), 1e-9);
        assertEquals(0.0928091550563360, PairedDifference.power(1, Math.sqrt(2), 0.05), 1e-9);
        assertEquals(0.3428357100650765, PairedDifference.power(1, 4 * Math.sqrt(2), 0.05), 1e-9);
        assertEquals(0.9084887436810317, PairedDifference.power(2, 4 * Math.sqrt(3), 0.05), 1e-9);
        assertEquals(0.8030968566327219, PairedDifference.power(9, Math.sqrt(10), 0.05), 1e-9);
        // Under the null, the power is the level.
        assertEquals(0.05, PairedDifference.power(4, 0, 0.05), 1e-9);
    }

    @Test
    void detectableDifferenceMatchesScipyForUnitSd() {
        assertEquals(3.2640435496995703, PairedDifference.detectableDifference(3, 1, 0.05, 0.8), 1e-7);
        assertEquals(2.1279493432578, PairedDifference.detectableDifference(4, 1, 0.05, 0.8), 1e-7);
        assertEquals(1.6819969659555558, PairedDifference.detectableDifference(5, 1, 0.05, 0.8), 1e-7);
        assertEquals(0.9960013714554448, PairedDifference.detectableDifference(10, 1, 0.05, 0.8), 1e-7);
        assertEquals(0.5292356151129529, PairedDifference.detectableDifference(30, 1, 0.05, 0.8), 1e-7);
        // It scales with the sd.
        assertEquals(0.01 * 1.6819969659555558, PairedDifference.detectableDifference(5, 0.01, 0.05, 0.8), 1e-9);
    }

    @Test
    void detectableDifferenceHasTheStatedPowerBySimulation() {
        // Normal differences with sd 1 and true mean = detectable(n = 5): the t-test rejects in ~80% of 20000 runs.
        int n = 5;
        double delta = PairedDifference.detectableDifference(n, 1, 0.05, 0.8);
        Random r = new Random(7);
        int rejected = 0;
        int runs = 20000;
        for (int k = 0; k < runs; k++) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = delta + r.nextGaussian();
            }
            if (PairedDifference.ofDifferences(d).pValue() < 0.05) {
                rejected++;
            }
        }
        // Binomial sd of the share: sqrt(0.8 * 0.2 / 20000) = 0.0028; allow 4 sd.
        assertEquals(0.8, (double) rejected / runs, 0.0115);
    }

    @Test
    void ciCoversTheTrueMeanNinetyFivePercentOfTheTime() {
        Random r = new Random(3);
        int covered = 0;
        int runs = 20000;
        for (int k = 0; k < runs; k++) {
            double[] d = new double[4];
            for (int i = 0; i < 4; i++) {
                d[i] = 0.3 + 2 * r.nextGaussian();
            }
            PairedDifference p = PairedDifference.ofDifferences(d);
            if (p.ciLow() <= 0.3 && 0.3 <= p.ciHigh()) {
                covered++;
            }
        }
        assertEquals(0.95, (double) covered / runs, 0.0062); // 4 binomial sd
    }

    @Test
    void signFlipCountsPatternsExactly() {
        // All positive and distinct: only the identity and the full flip reach |sum| -> 2 / 2^n.
        assertEquals(2.0 / 32, PairedDifference.signFlipPValue(new double[]{1, 2, 3, 4, 5}), 0);
        // All zero: every pattern ties.
        assertEquals(1.0, PairedDifference.signFlipPValue(new double[]{0, 0, 0}), 0);
        // {1, -1}: sums 0, 2, -2, 0 -> |s| >= 0 for all four.
        assertEquals(1.0, PairedDifference.signFlipPValue(new double[]{1, -1}), 0);
        // {3, 1}: sums 4, 2, -2, -4 -> 2 of 4.
        assertEquals(0.5, PairedDifference.signFlipPValue(new double[]{3, 1}), 0);
        // Float rounding must not break ties: 0.1 + 0.2 vs 0.3 orderings.
        assertEquals(0.25, PairedDifference.signFlipPValue(new double[]{0.1, 0.2, 0.3}), 0); // 0.6 and -0.6 of 8
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.signFlipPValue(new double[21]));
        assertTrue(Double.isNaN(PairedDifference.ofDifferences(new double[21]).signFlipPValue()));
    }

    @Test
    void degenerateCases() {
        PairedDifference one = PairedDifference.ofDifferences(new double[]{0.02});
        assertEquals(0.02, one.mean(), 0);
        assertTrue(Double.isNaN(one.ciLow()) && Double.isNaN(one.pValue()) && Double.isNaN(one.detectable()));
        PairedDifference same = PairedDifference.ofDifferences(new double[]{0.01, 0.01, 0.01});
        assertEquals(0.01, same.ciLow(), 0);
        assertEquals(0.01, same.ciHigh(), 0);
        assertEquals(0.0, same.pValue(), 0);
        assertEquals(0.0, same.detectable(), 0);
        assertEquals(1.0, PairedDifference.ofDifferences(new double[]{0, 0}).pValue(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedDifference.of(new double[]{1, 2}, new double[]{1}));
        assertTrue(e.getMessage().contains("baseline"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.ofDifferences(new double[]{Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.ofDifferences(new double[0]));
    }

    @Test
    void mapHasTheDocumentedKeys() {
        var m = PairedDifference.ofDifferences(new double[]{0.01, -0.02, 0.005}).toMap("zero");
        assertEquals(java.util.List.of("baseline", "mean", "ciLow", "ciHigh", "pValue", "pValueSignFlip", "sd",
                "seeds", "detectable"), new java.util.ArrayList<>(m.keySet()));
        assertEquals("zero", m.get("baseline"));
        assertEquals(3, m.get("seeds"));
    }
}
