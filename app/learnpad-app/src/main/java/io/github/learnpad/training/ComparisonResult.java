package io.github.learnpad.training;

import io.github.learnpad.robustness.BorderShift;
import io.github.learnpad.robustness.ShiftReport;
import io.github.learnpad.stats.PairedDifference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-padding summaries of a {@link Comparison} and their Markdown / JSON reports, with each padding's
 * {@link PairedDifference} to the baseline padding over the seeds both were run with (final test accuracy,
 * padding minus baseline).
 */
public final class ComparisonResult {
    private final List<PaddingSummary> summaries;
    private final Map<String, Object> budget;
    private final String baseline;
    private final Map<String, List<ShiftReport>> shifts;

    ComparisonResult(List<PaddingSummary> summaries, Map<String, Object> budget, String baseline,
            Map<String, List<ShiftReport>> shifts) {
        this.summaries = List.copyOf(summaries);
        this.budget = new LinkedHashMap<>(budget);
        this.baseline = baseline;
        this.shifts = new LinkedHashMap<>(shifts);
        summary(baseline);
    }

    /** The shifts of the border-shift evaluation (empty when there was none). */
    public List<Integer> shifts() {
        return shifts.isEmpty() ? List.of() : shifts.values().iterator().next().get(0).shifts();
    }

    /** Each run's border-shift report for a padding, in seed order (empty when there was no shift evaluation). */
    public List<ShiftReport> shiftReports(String id) {
        return shifts.getOrDefault(id, List.of());
    }

    /** Per seed, the accuracy at {@code shift} averaged over the four directions. */
    public double[] shiftAccuracies(String id, int shift) {
        return shiftReports(id).stream().mapToDouble(r -> r.meanAccuracy(shift)).toArray();
    }

    /** Accuracy at {@code shift} (mean over directions) of padding {@code id} minus the baseline's, paired by seed. */
    public PairedDifference shiftDifference(String id, int shift) {
        return id.equals(baseline) ? null
                : paired(summary(id), summary(baseline), s -> shiftAccuracies(s.padding().id(), shift));
    }

    public List<PaddingSummary> summaries() { return summaries; }
    public Map<String, Object> budget() { return budget; }
    /** The id of the padding the others are compared with. */
    public String baseline() { return baseline; }

    /** The summary of a padding by id. */
    public PaddingSummary summary(String id) {
        return summaries.stream().filter(s -> s.padding().id().equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no padding '" + id + "' in this comparison"));
    }

    /**
     * Final test accuracy of padding {@code id} minus the baseline's, paired by seed over the seeds both have;
     * null for the baseline itself.
     */
    public PairedDifference pairedDifference(String id) {
        return id.equals(baseline) ? null : paired(summary(id), summary(baseline), PaddingSummary::finalAccuracies);
    }

    /** {@code metric(s) - metric(base)}, paired by seed over the seeds both summaries have. */
    static PairedDifference paired(PaddingSummary s, PaddingSummary base,
            java.util.function.Function<PaddingSummary, double[]> metric) {
        double[] v = metric.apply(s);
        double[] b = metric.apply(base);
        List<Double> a = new ArrayList<>();
        List<Double> z = new ArrayList<>();
        for (int i = 0; i < s.seeds().size(); i++) {
            int j = base.seeds().indexOf(s.seeds().get(i));
            if (j >= 0) {
                a.add(v[i]);
                z.add(b[j]);
            }
        }
        if (a.isEmpty()) {
            throw new IllegalStateException(s.padding().id() + " and " + base.padding().id() + " share no seed");
        }
        return PairedDifference.of(a.stream().mapToDouble(Double::doubleValue).toArray(),
                z.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The results table in Markdown, with the budget above it. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Padding comparison\n\n");
        sb.append("Same budget for every run:");
        budget.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        sb.append(".\n\nFinal-epoch numbers, mean ± sample standard deviation over seeds. Δ: test accuracy minus ")
                .append(baseline).append("'s, paired by seed (same data order, augmentation and initial weights), mean "
                + "and 95% Student-t interval; p: paired t-test / exact sign-flip permutation test; detectable: the "
                + "smallest true Δ a paired t-test (two-sided 5%) would find with 80% power, given the observed spread "
                + "of the per-seed differences.\n\n");
        sb.append("| padding | runs | test accuracy | Δ vs ").append(baseline).append(" (95% CI) | p (t / sign-flip) "
                + "| detectable Δ | test loss | training time (s) | parameters |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (PaddingSummary s : summaries) {
            PairedDifference d = pairedDifference(s.padding().id());
            String delta = d == null ? "(baseline)" : String.format(Locale.ROOT, "%+.4f [%s, %s]", d.mean(),
                    signed(d.ciLow()), signed(d.ciHigh()));
            String p = d == null ? "" : number(d.pValue(), "%.3f") + " / " + number(d.signFlipPValue(), "%.3f");
            String detectable = d == null ? "" : number(d.detectable(), "%.4f");
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f ± %.4f | %s | %s | %s | %.4f ± %.4f | %.1f ± %.1f "
                            + "| %,d |%n", s.padding().id(), s.runs().size(), s.accuracyMean(), s.accuracyStd(), delta,
                    p, detectable, s.testLossMean(), s.testLossStd(), s.secondsMean(), s.secondsStd(), s.numParams()));
        }
        sb.append('\n');
        for (PaddingSummary s : summaries) {
            PairedDifference d = pairedDifference(s.padding().id());
            if (d != null) {
                sb.append("- ").append(verdict(s.padding().id(), baseline, d)).append('\n');
            }
        }
        if (!shifts.isEmpty()) {
            sb.append("\n## Accuracy under border shift\n\nTest images shifted by d pixels toward each border, the "
                    + "uncovered strip filled with the image's own edge; accuracy averaged over the four directions, "
                    + "mean over seeds; Δ vs ").append(baseline).append(" paired by seed with its 95% interval.\n\n");
            sb.append("| padding |");
            shifts().forEach(d -> sb.append(" shift ").append(d).append(" |"));
            sb.append("\n| --- |");
            shifts().forEach(d -> sb.append(" ---: |"));
            sb.append('\n');
            for (PaddingSummary s : summaries) {
                sb.append("| ").append(s.padding().id()).append(" |");
                for (int d : shifts()) {
                    sb.append(String.format(Locale.ROOT, " %.4f", PaddingSummary.mean(shiftAccuracies(
                            s.padding().id(), d))));
                    PairedDifference pd = shiftDifference(s.padding().id(), d);
                    if (pd != null) {
                        sb.append(String.format(Locale.ROOT, " (Δ %+.4f [%s, %s])", pd.mean(), signed(pd.ciLow()),
                                signed(pd.ciHigh())));
                    }
                    sb.append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\nPer seed (final test accuracy):\n\n");
        for (PaddingSummary s : summaries) {
            sb.append("- ").append(s.padding().id()).append(':');
            double[] acc = s.finalAccuracies();
            for (int i = 0; i < acc.length; i++) {
                sb.append(String.format(Locale.ROOT, " seed %d %.4f%s", s.seeds().get(i), acc[i],
                        i + 1 < acc.length ? "," : ""));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The results as a JSON document (budget, then per padding: summary and every run's epochs). */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget", budget);
        List<Object> ps = new ArrayList<>();
        for (PaddingSummary s : summaries) {
            Map<String, Object> one = s.toMap();
            PairedDifference d = pairedDifference(s.padding().id());
            one.put("pairedDifference", d == null ? null : d.toMap(baseline));
            if (!shifts.isEmpty()) {
                one.put("shiftEval", shiftMap(s.padding().id()));
            }
            ps.add(one);
        }
        m.put("paddings", ps);
        return Json.pretty(m);
    }

    /**
     * One plain sentence on a paired difference: its size and interval, whether it is significant at 5% (t-test),
     * and the difference the run could have detected.
     */
    public static String verdict(String padding, String baseline, PairedDifference d) {
        String head = String.format(Locale.ROOT, "%s − %s: %+.4f", padding, baseline, d.mean());
        if (d.n() < 2) {
            return head + " from a single seed: no interval or test possible; run at least 2 seeds (5 or more to "
                    + "detect differences of a few tenths of a point).";
        }
        String ci = String.format(Locale.ROOT, " (95%% CI %s to %s, n = %d seeds; p = %s t-test, %s exact sign-flip)",
                signed(d.ciLow()), signed(d.ciHigh()), d.n(), number(d.pValue(), "%.3f"),
                number(d.signFlipPValue(), "%.3f"));
        String what = d.pValue() < 0.05 ? (d.mean() > 0 ? ": better than " : ": worse than ") + baseline
                + " (significant at 5%)" : ": no significant difference";
        return head + ci + what + String.format(Locale.ROOT, "; this run would detect a true difference of %s "
                + "with 80%% power, smaller ones could be missed.", number(d.detectable(), "%.4f"));
    }

    private List<Object> shiftMap(String id) {
        List<Object> out = new ArrayList<>();
        for (int d : shifts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shift", d);
            double[] acc = shiftAccuracies(id, d);
            m.put("meanAccuracy", PaddingSummary.mean(acc));
            m.put("perSeed", acc);
            Map<String, Object> dirs = new LinkedHashMap<>();
            for (BorderShift.Direction dir : BorderShift.Direction.values()) {
                dirs.put(dir.id(), PaddingSummary.mean(shiftReports(id).stream()
                        .mapToDouble(r -> r.accuracy(d, dir).value()).toArray()));
            }
            m.put("directions", dirs);
            PairedDifference pd = shiftDifference(id, d);
            m.put("pairedDifference", pd == null ? null : pd.toMap(baseline));
            out.add(m);
        }
        return out;
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "n/a";
    }

    private static String number(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "n/a";
    }

    /** Writes results.md and results.json into {@code dir}. */
    public void write(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("results.md"), markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), json());
    }
}
