package io.github.learnpad.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One comparison named before a study runs: {@code padding} minus {@code baseline}, paired by seed, on the test
 * accuracy at border shift {@code shift} (0: the unshifted test set, i.e. the final test accuracy) with the given
 * fill. The study's primary comparisons are corrected together for multiplicity (Holm); everything else in a report is
 * secondary.
 *
 * <p>Text form: {@code PADDING:BASELINE@SHIFT} or {@code PADDING:BASELINE@SHIFT/FILL}, e.g.
 * {@code learned-mixing:zero@8/black}; without a fill, a shifted comparison uses the dataset's own continuation when
 * the runs have one, else the replicate fill.
 *
 * @param fill null for the default fill (and always for shift 0, where there is no fill)
 */
public record PrimaryComparison(String padding, String baseline, int shift, String fill) {
    public PrimaryComparison {
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(baseline, "baseline");
        if (shift < 0) {
            throw new IllegalArgumentException("shift must be >= 0, got " + shift);
        }
        if (padding.equals(baseline)) {
            throw new IllegalArgumentException("a comparison needs two different paddings, got " + padding + " twice");
        }
        if (shift == 0) {
            fill = null;
        }
    }

    /**
     * Parses {@code PADDING:BASELINE@SHIFT[/FILL]}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static PrimaryComparison parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        int at = t.indexOf('@');
        if (colon <= 0 || at <= colon + 1 || at == t.length() - 1) {
            throw new IllegalArgumentException("primary comparison '" + text + "' must be PADDING:BASELINE@SHIFT or "
                    + "PADDING:BASELINE@SHIFT/FILL, e.g. learned:zero@0 or learned-mixing:replicate@8/black");
        }
        String rest = t.substring(at + 1);
        String fill = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            fill = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        int shift;
        try {
            shift = Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("primary comparison '" + text + "': the shift '" + rest
                    + "' is not a whole number of pixels");
        }
        return new PrimaryComparison(t.substring(0, colon), t.substring(colon + 1, at), shift,
                fill == null || fill.isEmpty() ? null : fill);
    }

    /**
     * Every padding against every baseline at every shift: the family the study names ({@code learned,learned-mixing}
     * x {@code zero,replicate} x {@code 0,8}).
     */
    public static List<PrimaryComparison> cross(List<String> paddings, List<String> baselines, List<Integer> shifts) {
        List<PrimaryComparison> out = new ArrayList<>();
        for (int s : shifts) {
            for (String b : baselines) {
                for (String p : paddings) {
                    out.add(new PrimaryComparison(p, b, s, null));
                }
            }
        }
        return out;
    }

    /** The text form (parsed back by {@link #parse}). */
    @Override
    public String toString() {
        return padding + ":" + baseline + "@" + shift + (fill == null ? "" : "/" + fill);
    }
}
