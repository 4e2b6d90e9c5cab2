package io.github.learnpad.stats;

/**
 * Holm's step-down correction for a family of {@code m} tests (Holm 1979): sort the p-values ascending,
 * {@code p(1) <= ... <= p(m)}; the adjusted value of the k-th smallest is {@code max over j <= k of min(1, (m - j + 1)
 * p(j))}. A hypothesis is rejected at family-wise level alpha when its adjusted p-value is {@code <= alpha}. It
 * controls the family-wise error rate under any dependence between the tests, and is uniformly more powerful than
 * Bonferroni.
 */
public final class Holm {
    private Holm() {
    }

    /**
     * Holm-adjusted p-values, in the order given.
     *
     * @throws IllegalArgumentException for an empty family or a p-value outside [0, 1] (NaN included)
     */
    public static double[] adjust(double[] p) {
        int m = p.length;
        if (m == 0) {
            throw new IllegalArgumentException("Holm: no p-values");
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("Holm: p-value " + p[i] + " at position " + i + " is not in [0, 1]");
            }
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
        double[] adj = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            running = Math.max(running, Math.min(1.0, (m - k) * p[order[k]]));
            adj[order[k]] = running;
        }
        return adj;
    }
}
