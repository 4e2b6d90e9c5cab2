package io.github.learnpad.stats;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paired difference {@code d_i = value_i - baseline_i} of two measurements on the same units (e.g. the final test
 * accuracy of two paddings trained with the same seed), summarised over the {@code n} pairs:
 * <ul>
 *     <li>{@link #mean()} and the sample standard deviation {@link #sd()} ({@code n - 1} in the denominator);</li>
 *     <li>a 95% confidence interval {@code mean ± t(0.975, n-1) sd / sqrt(n)} (Student t);</li>
 *     <li>{@link #pValue()}: the two-sided paired t-test of "mean difference = 0";</li>
 *     <li>{@link #signFlipPValue()}: the exact two-sided sign-flip permutation test of the same hypothesis (all
 *     {@code 2^n} sign patterns; only for {@code n <= } {@value #EXACT_SIGN_FLIP_MAX}, else NaN). It assumes only that
 *     each difference is symmetric around 0 under the null, not normality, but its smallest possible p-value is
 *     {@code 2 / 2^n}: with 5 pairs it can never go below 0.0625;</li>
 *     <li>{@link #detectable()}: the smallest true mean difference that a two-sided paired t-test at the 5% level
 *     would detect with 80% power, if the differences' standard deviation is the observed {@code sd}: the
 *     {@code delta} solving {@code power(n - 1, delta sqrt(n) / sd) = 0.8} with the exact noncentral-t power of
 *     {@link #power(int, double, double)}. (The textbook approximation
 *     {@code (t(0.975, n-1) + t(0.8, n-1)) sd / sqrt(n)} is 1-5% smaller for n = 3-5.) A difference below it may
 *     exist but this run could easily miss it: "no significant difference" means "none larger than this, probably".</li>
 * </ul>
 * With one pair only the mean is defined (the rest is NaN). With {@code sd = 0} (all differences equal) the interval
 * is the point, the t-test's p-value is 0 (or 1 if the differences are all 0) and {@code detectable} is 0.
 *
 * <p>t quantiles and the normal tail come from Apache Commons Math (a dependency of ND4J); the noncentral t power is
 * integrated here (commons-math 3.5 has no noncentral t). Tests compare all of it with SciPy's values.
 */
public final class PairedDifference {
    /** The largest number of pairs for which the exact sign-flip test is computed ({@code 2^20} patterns). */
    public static final int EXACT_SIGN_FLIP_MAX = 20;
    /** Two-sided level of the interval, the tests and the detectable difference. */
    public static final double ALPHA = 0.05;
    /** Power at which {@link #detectable()} is computed. */
    public static final double POWER = 0.8;

    private final int n;
    private final double mean;
    private final double sd;
    private final double ciLow;
    private final double ciHigh;
    private final double pValue;
    private final double signFlipPValue;
    private double detectable = -1; // computed on first use: ~40 numerical integrations

    private PairedDifference(double[] d) {
        this.n = d.length;
        double s = 0;
        for (double x : d) {
            s += x;
        }
        this.mean = s / n;
        if (n < 2) {
            this.sd = Double.NaN;
            this.ciLow = Double.NaN;
            this.ciHigh = Double.NaN;
            this.pValue = Double.NaN;
            this.signFlipPValue = n == 1 ? 1.0 : Double.NaN;
            return;
        }
        double ss = 0;
        for (double x : d) {
            ss += (x - mean) * (x - mean);
        }
        this.sd = Math.sqrt(ss / (n - 1));
        double se = sd / Math.sqrt(n);
        double half = tQuantile(1 - ALPHA / 2, n - 1) * se;
        this.ciLow = mean - half;
        this.ciHigh = mean + half;
        if (se == 0) {
            this.pValue = mean == 0 ? 1.0 : 0.0;
        } else {
            double t = Math.abs(mean) / se;
            this.pValue = Math.min(1.0, 2 * new TDistribution(null, n - 1).cumulativeProbability(-t));
        }
        this.signFlipPValue = n <= EXACT_SIGN_FLIP_MAX ? signFlipPValue(d) : Double.NaN;
    }

    /**
     * The differences {@code values[i] - baseline[i]}, paired by index (e.g. by seed).
     *
     * @throws IllegalArgumentException if the arrays differ in length, are empty or hold a non-finite value
     */
    public static PairedDifference of(double[] values, double[] baseline) {
        if (values.length != baseline.length) {
            throw new IllegalArgumentException("paired difference: " + values.length + " values but "
                    + baseline.length + " baseline values; every value needs its baseline partner (same seed)");
        }
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i] - baseline[i];
        }
        return ofDifferences(d);
    }

    /** Summarises already-formed differences (at least one, all finite). */
    public static PairedDifference ofDifferences(double[] differences) {
        if (differences.length == 0) {
            throw new IllegalArgumentException("paired difference: no pairs");
        }
        for (double x : differences) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("paired difference: non-finite difference " + x);
            }
        }
        return new PairedDifference(differences.clone());
    }

    /** Number of pairs. */
    public int n() { return n; }
    /** Mean difference. */
    public double mean() { return mean; }
    /** Sample standard deviation of the differences (NaN for one pair). */
    public double sd() { return sd; }
    /** Lower end of the 95% Student-t interval of the mean difference. */
    public double ciLow() { return ciLow; }
    /** Upper end of the 95% Student-t interval of the mean difference. */
    public double ciHigh() { return ciHigh; }
    /** Two-sided paired t-test p-value. */
    public double pValue() { return pValue; }
    /** Exact two-sided sign-flip permutation p-value (NaN above {@value #EXACT_SIGN_FLIP_MAX} pairs). */
    public double signFlipPValue() { return signFlipPValue; }
    /** Smallest mean difference detectable at 80% power (two-sided 5%), from the observed sd. */
    public synchronized double detectable() {
        if (detectable < 0) {
            detectable = n < 2 ? Double.NaN : detectableDifference(n, sd, ALPHA, POWER);
        }
        return detectable;
    }

    /**
     * The summary as a JSON-ready map: baseline, mean, ciLow, ciHigh, pValue (t-test), pValueSignFlip, sd, seeds
     * (= n), detectable.
     */
    public Map<String, Object> toMap(String baseline) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baseline", baseline);
        m.put("mean", mean);
        m.put("ciLow", ciLow);
        m.put("ciHigh", ciHigh);
        m.put("pValue", pValue);
        m.put("pValueSignFlip", signFlipPValue);
        m.put("sd", sd);
        m.put("seeds", n);
        m.put("detectable", detectable());
        return m;
    }

    /** The {@code p} quantile of Student's t distribution with {@code df >= 1} degrees of freedom. */
    public static double tQuantile(double p, int df) {
        return new TDistribution(null, df).inverseCumulativeProbability(p);
    }

    /**
     * Exact two-sided sign-flip p-value: the share of the {@code 2^n} sign patterns {@code s} with
     * {@code |sum s_i d_i| >= |sum d_i|} (ties within 1e-12 of the scale count as at least as extreme).
     */
    public static double signFlipPValue(double[] d) {
        int n = d.length;
        if (n > EXACT_SIGN_FLIP_MAX) {
            throw new IllegalArgumentException("exact sign-flip test enumerates 2^n patterns; n = " + n + " > "
                    + EXACT_SIGN_FLIP_MAX);
        }
        double observed = 0;
        double scale = 0;
        for (double x : d) {
            observed += x;
            scale += Math.abs(x);
        }
        double threshold = Math.abs(observed) - 1e-12 * scale;
        long patterns = 1L << n;
        long extreme = 0;
        for (long mask = 0; mask < patterns; mask++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += (mask >> i & 1) == 0 ? d[i] : -d[i];
            }
            if (Math.abs(s) >= threshold) {
                extreme++;
            }
        }
        return (double) extreme / patterns;
    }

    /**
     * Power of the two-sided one-sample (or paired) t-test at level {@code alpha} with {@code df} degrees of
     * freedom when the true noncentrality is {@code ncp} (= true mean difference * sqrt(n) / sd):
     * {@code P(|T'| > t(1 - alpha/2, df))} for a noncentral t variable {@code T' = (Z + ncp) / (S / sqrt(df))},
     * {@code S} chi-distributed with df degrees of freedom. Computed as
     * {@code E_S[Q(c S/sqrt(df) - ncp) + Q(c S/sqrt(df) + ncp)]} ({@code Q} the normal upper tail) with Simpson's
     * rule over S's density (4000 intervals on [0, sqrt(df) + 12]); accurate to about 1e-9.
     */
    public static double power(int df, double ncp, double alpha) {
        if (df < 1) {
            throw new IllegalArgumentException("power: df must be >= 1, got " + df);
        }
        double c = tQuantile(1 - alpha / 2, df);
        double hi = Math.sqrt(df) + 12;
        int intervals = 4000;
        double h = hi / intervals;
        // log of the chi density's constant: 2^(df/2 - 1) Gamma(df/2)
        double logNorm = (df / 2.0 - 1) * Math.log(2) + Gamma.logGamma(df / 2.0);
        double sum = 0;
        for (int i = 0; i <= intervals; i++) {
            double s = i * h;
            double density = s == 0 ? (df == 1 ? Math.exp(-logNorm) : 0)
                    : Math.exp((df - 1) * Math.log(s) - s * s / 2 - logNorm);
            double x = c * s / Math.sqrt(df);
            double reject = upperNormalTail(x - ncp) + upperNormalTail(x + ncp);
            double weight = i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * density * reject;
        }
        return Math.min(1.0, sum * h / 3);
    }

    /**
     * The smallest true mean difference a two-sided paired t-test at level {@code alpha} detects with probability
     * {@code power} from {@code n >= 2} pairs whose differences have standard deviation {@code sd}: the solution of
     * {@code power(n - 1, delta sqrt(n) / sd, alpha) = power}, found by bisection (relative accuracy 1e-10).
     */
    public static double detectableDifference(int n, double sd, double alpha, double power) {
        if (n < 2) {
            return Double.NaN;
        }
        if (sd == 0) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        while (power(n - 1, hi * Math.sqrt(n), alpha) < power) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1e-10 * hi) {
            double mid = (lo + hi) / 2;
            if (power(n - 1, mid * Math.sqrt(n), alpha) < power) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2 * sd;
    }

    private static double upperNormalTail(double x) {
        return 0.5 * Erf.erfc(x / Math.sqrt(2));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%+.4f [%+.4f, %+.4f] (n=%d, p=%.3f, detectable %.4f)", mean,
                ciLow, ciHigh, n, pValue, detectable());
    }
}
