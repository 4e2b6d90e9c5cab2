package io.github.learnpad.robustness;

import io.github.learnpad.robustness.BorderShift.Direction;
import io.github.learnpad.stats.PairedDifference;
import io.github.learnpad.stats.Proportion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One network's test accuracy when the test images are shifted toward each border ({@link BorderShift}): for every
 * shift {@code d} and direction, which test images it still classifies correctly. Shift 0 is the unshifted test set
 * (the same for all four directions).
 */
public final class ShiftReport {
    /** The fill of the uncovered strip that {@link BorderShift} uses: the image's own edge. */
    public static final String REPLICATE = "replicate";

    private final List<Integer> shifts;
    private final int n;
    private final Map<String, boolean[]> correct;
    private final String fill;

    ShiftReport(List<Integer> shifts, int n, Map<String, boolean[]> correct, String fill) {
        this.shifts = List.copyOf(shifts);
        this.n = n;
        this.correct = correct;
        this.fill = fill;
    }

    /**
     * A report from stored per-image correctness ({@link #encodedCorrectness()}), e.g. a committed run record.
     *
     * @param encoded per key ("0", "4/left", ...; every direction of every non-zero shift) the base64 bit set of
     *                {@code testImages} images, bit i set when image i was classified correctly
     * @throws IllegalArgumentException if a key is missing or a bit set has the wrong length
     */
    public static ShiftReport decode(String fill, List<Integer> shifts, int testImages, Map<String, String> encoded) {
        Map<String, boolean[]> c = new LinkedHashMap<>();
        for (int s : shifts) {
            for (Direction d : s == 0 ? new Direction[]{Direction.LEFT} : Direction.values()) {
                String k = key(s, d);
                String bits = encoded.get(k);
                if (bits == null) {
                    throw new IllegalArgumentException("stored shift evaluation (" + fill + ") lacks '" + k + "'");
                }
                c.put(k, unpack(java.util.Base64.getDecoder().decode(bits), testImages, k));
            }
        }
        return new ShiftReport(shifts, testImages, c, fill);
    }

    /** Per key ("0", "4/left", ...), the per-image correctness as a base64 bit set (bit i = image i correct). */
    public Map<String, String> encodedCorrectness() {
        Map<String, String> m = new LinkedHashMap<>();
        correct.forEach((k, v) -> m.put(k, java.util.Base64.getEncoder().encodeToString(pack(v))));
        return m;
    }

    static byte[] pack(boolean[] v) {
        byte[] b = new byte[(v.length + 7) / 8];
        for (int i = 0; i < v.length; i++) {
            if (v[i]) {
                b[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        return b;
    }

    static boolean[] unpack(byte[] b, int n, String key) {
        if (b.length != (n + 7) / 8) {
            throw new IllegalArgumentException("stored correctness '" + key + "' has " + b.length + " bytes, expected "
                    + (n + 7) / 8 + " for " + n + " test images");
        }
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
            v[i] = (b[i >> 3] >> (i & 7) & 1) != 0;
        }
        return v;
    }

    /** How the uncovered strip was filled: {@value #REPLICATE}, "black", "continued-background", ... */
    public String fill() { return fill; }

    static String key(int shift, Direction d) {
        return shift == 0 ? "0" : shift + "/" + d.id();
    }

    /** The shifts evaluated, in the order given. */
    public List<Integer> shifts() { return shifts; }

    /** Number of test images. */
    public int testImages() { return n; }

    /** Per test image: classified correctly after shifting by {@code shift} toward {@code direction}? */
    public boolean[] correct(int shift, Direction direction) {
        boolean[] c = correct.get(key(shift, direction));
        if (c == null) {
            throw new IllegalArgumentException("shift " + shift + " was not evaluated; shifts: " + shifts);
        }
        return c.clone();
    }

    /** Accuracy with its 95% Wilson interval over the test images. */
    public Proportion accuracy(int shift, Direction direction) {
        long k = 0;
        for (boolean b : correct(shift, direction)) {
            k += b ? 1 : 0;
        }
        return new Proportion(k, n);
    }

    /** Accuracy averaged over the four directions. */
    public double meanAccuracy(int shift) {
        double s = 0;
        for (Direction d : Direction.values()) {
            s += accuracy(shift, d).value();
        }
        return s / Direction.values().length;
    }

    /**
     * Per-image paired difference {@code a - b} of two networks' correctness (1, 0 or -1 per image) on the same
     * shifted test images: mean = accuracy difference, with a Student-t interval over images.
     */
    public static PairedDifference paired(ShiftReport a, ShiftReport b, int shift, Direction direction) {
        boolean[] x = a.correct(shift, direction);
        boolean[] y = b.correct(shift, direction);
        if (x.length != y.length) {
            throw new IllegalArgumentException("the two reports are on different test sets (" + x.length + " vs "
                    + y.length + " images)");
        }
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (x[i] ? 1 : 0) - (y[i] ? 1 : 0);
        }
        return PairedDifference.ofDifferences(d);
    }

    /** JSON-ready: test images, then per shift the mean accuracy and per direction accuracy and 95% interval. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("testImages", n);
        m.put("fill", fill);
        List<Object> list = new ArrayList<>();
        for (int s : shifts) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("shift", s);
            one.put("meanAccuracy", meanAccuracy(s));
            Map<String, Object> sides = new LinkedHashMap<>();
            for (Direction d : Direction.values()) {
                Proportion p = accuracy(s, d);
                sides.put(d.id(), Map.of("accuracy", p.value(), "ciLow", p.low(), "ciHigh", p.high()));
            }
            one.put("directions", sides);
            list.add(one);
        }
        m.put("shifts", list);
        return m;
    }

    /** A Markdown table: one row per shift, one column per direction, "accuracy [95% interval]". */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| shift (px) | left | right | up | down | mean |\n");
        sb.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int s : shifts) {
            sb.append("| ").append(s);
            for (Direction d : Direction.values()) {
                Proportion p = accuracy(s, d);
                sb.append(String.format(Locale.ROOT, " | %.4f [%.4f, %.4f]", p.value(), p.low(), p.high()));
            }
            sb.append(String.format(Locale.ROOT, " | %.4f |%n", meanAccuracy(s)));
        }
        return sb.toString();
    }
}
