package io.github.learnpad.stats;

/**
 * A proportion {@code k / n} (e.g. an accuracy over test images) with its 95% Wilson score interval, which, unlike
 * the normal-approximation interval, stays inside [0, 1] and does not collapse to a point at 0 or 1:
 * {@code (p + z^2/2n ± z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)}, {@code z = 1.959964}.
 *
 * @param successes k, {@code 0 <= k <= n}
 * @param n         trials, {@code >= 1}
 */
public record Proportion(long successes, long n) {
    /** The standard normal 0.975 quantile. */
    public static final double Z95 = 1.959963984540054;

    public Proportion {
        if (n < 1 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("proportion needs 0 <= k <= n and n >= 1, got " + successes + "/" + n);
        }
    }

    public double value() {
        return (double) successes / n;
    }

    public double low() {
        return wilson(-1);
    }

    public double high() {
        return wilson(1);
    }

    private double wilson(int sign) {
        double p = value();
        double z2 = Z95 * Z95;
        double centre = p + z2 / (2.0 * n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return Math.min(1, Math.max(0, (centre + sign * half) / (1 + z2 / n)));
    }
}
