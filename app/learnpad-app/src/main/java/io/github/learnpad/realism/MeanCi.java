package io.github.learnpad.realism;

/**
 * The mean of a per-image quantity with its 95% confidence interval over images: {@code mean ± 1.96 sd / sqrt(n)},
 * {@code sd} the sample standard deviation (n - 1). With one image the interval is the point itself.
 *
 * @param mean the mean over images
 * @param half the half-width {@code 1.96 sd / sqrt(n)} (0 when n = 1)
 * @param n    the number of images
 */
public record MeanCi(double mean, double half, int n) {

    /** The mean and 95% interval of {@code values} (one per image; at least one). */
    public static MeanCi of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("MeanCi needs at least one value");
        }
        int n = values.length;
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanCi(mean, 0, 1);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        return new MeanCi(mean, 1.96 * sd / Math.sqrt(n), n);
    }

    public double lo() {
        return mean - half;
    }

    public double hi() {
        return mean + half;
    }
}
