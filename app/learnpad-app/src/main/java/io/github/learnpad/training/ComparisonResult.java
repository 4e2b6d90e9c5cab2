package io.github.learnpad.training;

import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.robustness.BorderShift;
import io.github.learnpad.robustness.ShiftReport;
import io.github.learnpad.stats.Holm;
import io.github.learnpad.stats.PairedDifference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The per-padding summaries of a {@link Comparison} and their Markdown / JSON reports, with each padding's
 * {@link PairedDifference} to each baseline padding over the seeds both were run with (final test accuracy,
 * padding minus baseline), the border-shift evaluation per fill, and the primary comparisons corrected together with
 * {@link Holm}.
 */
public final class ComparisonResult {
    private final List<PaddingSummary> summaries;
    private final Map<String, Object> budget;
    private final List<String> baselines;
    /** fill -> padding -> one report per seed (seed order). */
    private final Map<String, Map<String, List<ShiftReport>>> shifts;
    private final List<PrimaryComparison> primaries;
    private final List<Map<String, Object>> provenance;

    ComparisonResult(List<PaddingSummary> summaries, Map<String, Object> budget, String baseline,
            Map<String, List<ShiftReport>> shifts) {
        this(summaries, budget, List.of(baseline), shifts.isEmpty() ? Map.of()
                : Map.of(ShiftReport.REPLICATE, shifts), List.of(), List.of());
    }

    ComparisonResult(List<PaddingSummary> summaries, Map<String, Object> budget, List<String> baselines,
            Map<String, Map<String, List<ShiftReport>>> shifts, List<PrimaryComparison> primaries,
            List<Map<String, Object>> provenance) {
        this.summaries = List.copyOf(summaries);
        this.budget = new LinkedHashMap<>(budget);
        if (baselines.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one baseline");
        }
        this.baselines = List.copyOf(baselines);
        this.shifts = new LinkedHashMap<>();
        // replicate first: the fill of the first edition, and the one the charts draw
        if (shifts.containsKey(ShiftReport.REPLICATE)) {
            this.shifts.put(ShiftReport.REPLICATE, shifts.get(ShiftReport.REPLICATE));
        }
        shifts.forEach(this.shifts::putIfAbsent);
        this.provenance = List.copyOf(provenance);
        baselines.forEach(this::summary);
        for (PrimaryComparison c : primaries) {
            summary(c.padding());
            summary(c.baseline());
            if (c.shift() > 0 && !this.shifts.containsKey(fillOf(c))) {
                throw new IllegalArgumentException("primary comparison " + c + " needs the shift evaluation with the "
                        + "fill '" + fillOf(c) + "'; evaluated fills: " + this.shifts.keySet());
            }
            if (c.shift() > 0 && !shifts().contains(c.shift())) {
                throw new IllegalArgumentException("primary comparison " + c + ": shift " + c.shift()
                        + " was not evaluated; shifts: " + shifts());
            }
        }
        this.primaries = List.copyOf(primaries);
    }

    /**
     * The report of a study from its committed records alone ({@link RunRecords}): paddings in {@code order} (those
     * recorded but not listed follow by name), seeds as recorded.
     *
     * @throws IllegalArgumentException if there are no records, or the records' budgets differ
     */
    public static ComparisonResult fromRecords(List<RunRecord> records, List<String> order, List<String> baselines,
            List<PrimaryComparison> primaries) throws IOException {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no run records to report on");
        }
        String budget0 = RunRecords.canonical(records.get(0).budget());
        Set<String> ids = new LinkedHashSet<>(order);
        for (RunRecord r : records) {
            if (!RunRecords.canonical(r.budget()).equals(budget0)) {
                throw new IllegalArgumentException("the records were made with different options: "
                        + r.padding() + " seed " + r.seed() + " has " + r.budget() + ", others "
                        + records.get(0).budget());
            }
            ids.add(r.padding());
        }
        List<PaddingSummary> summaries = new ArrayList<>();
        Map<String, Map<String, List<ShiftReport>>> shifts = new LinkedHashMap<>();
        Map<String, Map<String, Object>> prov = new LinkedHashMap<>();
        for (String id : ids) {
            List<RunRecord> mine = records.stream().filter(r -> r.padding().equals(id)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            summaries.add(new PaddingSummary(variant(id), mine.stream().map(RunRecord::seed).toList(),
                    mine.stream().map(RunRecord::result).toList()));
            for (RunRecord r : mine) {
                for (ShiftReport s : r.shifts()) {
                    shifts.computeIfAbsent(s.fill(), f -> new LinkedHashMap<>())
                            .computeIfAbsent(id, x -> new ArrayList<>()).add(s);
                }
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("commit", r.provenance().get("commit"));
                key.put("fingerprint", r.fingerprint().shortForm());
                key.put("cpu", r.provenance().get("cpu"));
                key.put("jvm", r.provenance().get("jvm"));
                Map<String, Object> entry = prov.computeIfAbsent(key.toString(), k -> {
                    Map<String, Object> m = new LinkedHashMap<>(key);
                    m.put("runs", new ArrayList<String>());
                    return m;
                });
                @SuppressWarnings("unchecked")
                List<String> runs = (List<String>) entry.get("runs");
                runs.add(id + "-seed" + r.seed() + (r.diverged() ? " (diverged)" : ""));
            }
        }
        // a fill must cover every run to be compared
        shifts.values().removeIf(byPadding -> byPadding.size() != summaries.size() || summaries.stream()
                .anyMatch(s -> byPadding.get(s.padding().id()) == null
                        || byPadding.get(s.padding().id()).size() != s.seeds().size()));
        Map<String, Object> budget = new LinkedHashMap<>(records.get(0).budget());
        budget.put("baseline", String.join(",", baselines));
        return new ComparisonResult(summaries, budget, baselines, shifts, primaries, new ArrayList<>(prov.values()));
    }

    private static PaddingVariant variant(String id) {
        try {
            return PaddingVariant.parse(id);
        } catch (IllegalArgumentException e) {
            return PaddingVariant.learned(id, b -> { });
        }
    }

    /** The shifts of the border-shift evaluation (empty when there was none). */
    public List<Integer> shifts() {
        return shifts.isEmpty() ? List.of() : shifts.values().iterator().next().values().iterator().next().get(0).shifts();
    }

    /** The fills evaluated ({@value ShiftReport#REPLICATE} first when present). */
    public List<String> fills() {
        return List.copyOf(shifts.keySet());
    }

    /** Each run's border-shift report (replicate fill) for a padding, in seed order (empty without evaluation). */
    public List<ShiftReport> shiftReports(String id) {
        return shifts.isEmpty() ? List.of() : shiftReports(fills().get(0), id);
    }

    /** Each run's border-shift report with {@code fill} for a padding, in seed order. */
    public List<ShiftReport> shiftReports(String fill, String id) {
        return shifts.getOrDefault(fill, Map.of()).getOrDefault(id, List.of());
    }

    /** Per seed, the accuracy at {@code shift} (first fill) averaged over the four directions. */
    public double[] shiftAccuracies(String id, int shift) {
        return shiftReports(id).stream().mapToDouble(r -> r.meanAccuracy(shift)).toArray();
    }

    /** Per seed, the accuracy at {@code shift} with {@code fill}, averaged over the four directions. */
    public double[] shiftAccuracies(String fill, String id, int shift) {
        return shiftReports(fill, id).stream().mapToDouble(r -> r.meanAccuracy(shift)).toArray();
    }

    /** Accuracy at {@code shift} (first fill) of padding {@code id} minus the first baseline's, paired by seed. */
    public PairedDifference shiftDifference(String id, int shift) {
        return shifts.isEmpty() ? null : shiftDifference(fills().get(0), id, baselines.get(0), shift);
    }

    /** Accuracy at {@code shift} with {@code fill} of {@code id} minus {@code baseline}'s, paired by seed. */
    public PairedDifference shiftDifference(String fill, String id, String baseline, int shift) {
        return id.equals(baseline) ? null
                : paired(summary(id), summary(baseline), s -> shiftAccuracies(fill, s.padding().id(), shift));
    }

    public List<PaddingSummary> summaries() { return summaries; }
    public Map<String, Object> budget() { return budget; }
    /** The id of the (first) padding the others are compared with. */
    public String baseline() { return baselines.get(0); }
    /** Every baseline, in the order given. */
    public List<String> baselines() { return baselines; }
    /** The primary comparisons (empty: none named). */
    public List<PrimaryComparison> primaries() { return primaries; }

    /** The summary of a padding by id. */
    public PaddingSummary summary(String id) {
        return summaries.stream().filter(s -> s.padding().id().equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no padding '" + id + "' in this comparison; paddings: "
                        + summaries.stream().map(s -> s.padding().id()).toList()));
    }

    /**
     * Final test accuracy of padding {@code id} minus the (first) baseline's, paired by seed over the seeds both
     * have; null for the baseline itself.
     */
    public PairedDifference pairedDifference(String id) {
        return pairedDifference(id, baselines.get(0));
    }

    /** Final test accuracy of {@code id} minus {@code baseline}'s, paired by seed; null when they are the same. */
    public PairedDifference pairedDifference(String id, String baseline) {
        return id.equals(baseline) ? null : paired(summary(id), summary(baseline), PaddingSummary::finalAccuracies);
    }

    /** The fill a primary comparison uses: its own, else the first non-replicate fill evaluated, else replicate. */
    public String fillOf(PrimaryComparison c) {
        if (c.fill() != null) {
            return c.fill();
        }
        return shifts.keySet().stream().filter(f -> !f.equals(ShiftReport.REPLICATE)).findFirst()
                .orElse(ShiftReport.REPLICATE);
    }

    /** The paired difference of a primary comparison. */
    public PairedDifference difference(PrimaryComparison c) {
        return c.shift() == 0 ? pairedDifference(c.padding(), c.baseline())
                : shiftDifference(fillOf(c), c.padding(), c.baseline(), c.shift());
    }

    /**
     * Holm-adjusted t-test p-values of the primary comparisons, in their order (the t-test carries the inference:
     * with 5 seeds the exact sign-flip test cannot go below 0.0625, so after any correction it could never reject).
     */
    public double[] holmAdjusted() {
        double[] p = primaries.stream().mapToDouble(c -> {
            double v = difference(c).pValue();
            return Double.isFinite(v) ? v : 1.0;
        }).toArray();
        return p.length == 0 ? p : Holm.adjust(p);
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
        budget.forEach((k, v) -> {
            if (!k.equals("datasetSources")) { // checksums: in results.json
                sb.append(' ').append(k).append('=').append(v).append(',');
            }
        });
        sb.setLength(sb.length() - 1);
        String bases = String.join(" and ", baselines);
        sb.append(".\n\nFinal-epoch numbers, mean ± sample standard deviation over seeds. Δ: test accuracy minus ")
                .append(bases).append(baselines.size() > 1 ? "'s (each)" : "'s").append(", paired by seed (same "
                + "data order, augmentation and initial weights), mean and 95% Student-t interval; p: paired t-test / "
                + "exact sign-flip permutation test; detectable: the smallest true Δ a paired t-test (two-sided 5%) "
                + "would find with 80% power, given the observed spread of the per-seed differences.\n\n");
        sb.append("| padding | runs | test accuracy |");
        for (String b : baselines) {
            sb.append(" Δ vs ").append(b).append(" (95% CI) | p (t / sign-flip) | detectable Δ |");
        }
        sb.append(" test loss | training time (s) | parameters |\n| --- | ---: | ---: |");
        baselines.forEach(b -> sb.append(" ---: | ---: | ---: |"));
        sb.append(" ---: | ---: | ---: |\n");
        for (PaddingSummary s : summaries) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f ± %.4f |", s.padding().id(), s.runs().size(),
                    s.accuracyMean(), s.accuracyStd()));
            for (String b : baselines) {
                PairedDifference d = pairedDifference(s.padding().id(), b);
                String delta = d == null ? "(baseline)" : String.format(Locale.ROOT, "%+.4f [%s, %s]", d.mean(),
                        signed(d.ciLow()), signed(d.ciHigh()));
                String p = d == null ? "" : number(d.pValue(), "%.3f") + " / " + number(d.signFlipPValue(), "%.3f");
                String detectable = d == null ? "" : number(d.detectable(), "%.4f");
                sb.append(' ').append(delta).append(" | ").append(p).append(" | ").append(detectable).append(" |");
            }
            sb.append(String.format(Locale.ROOT, " %.4f ± %.4f | %.1f ± %.1f | %,d |%n", s.testLossMean(),
                    s.testLossStd(), s.secondsMean(), s.secondsStd(), s.numParams()));
        }
        sb.append('\n');
        for (String b : baselines) {
            for (PaddingSummary s : summaries) {
                PairedDifference d = pairedDifference(s.padding().id(), b);
                if (d != null) {
                    sb.append("- ").append(verdict(s.padding().id(), b, d)).append('\n');
                }
            }
        }
        if (!primaries.isEmpty()) {
            primaryMarkdown(sb);
        }
        for (String fill : fills()) {
            shiftMarkdown(sb, fill);
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
        if (!provenance.isEmpty()) {
            sb.append("\nWhere the runs came from (commit, training-code fingerprint, CPU, JVM):\n\n");
            for (Map<String, Object> p : provenance) {
                sb.append("- commit ").append(p.get("commit")).append(", ").append(p.get("fingerprint")).append(", ")
                        .append(p.get("cpu")).append(", ").append(p.get("jvm")).append(": ")
                        .append(String.join(", ", castList(p.get("runs")))).append('\n');
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }

    private void primaryMarkdown(StringBuilder sb) {
        int m = primaries.size();
        double[] adj = holmAdjusted();
        sb.append("\n## Primary comparisons (named before the runs; Holm-corrected over ").append(m)
                .append(")\n\nΔ = accuracy of the first minus the second padding, paired by seed; shift 0 is the "
                + "final test accuracy, shift d > 0 the accuracy with the test content moved d pixels toward each "
                + "border (mean over the four directions). p: paired t-test; Holm p: adjusted for the ").append(m)
                .append(" primary comparisons (significant when ≤ 0.05). Detectable Δ: the smallest true Δ found with "
                + "80% power at the observed spread, at 5% and at Holm's strictest level (0.05 / ").append(m)
                .append(").\n\n| comparison | shift (fill) | Δ (95% CI) | p | Holm p | detectable Δ (5% / Holm's "
                + "first) | after Holm |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (int i = 0; i < m; i++) {
            PrimaryComparison c = primaries.get(i);
            PairedDifference d = difference(c);
            double strict = d.n() < 2 ? Double.NaN
                    : PairedDifference.detectableDifference(d.n(), d.sd(), PairedDifference.ALPHA / m,
                    PairedDifference.POWER);
            sb.append(String.format(Locale.ROOT, "| %s − %s | %s | %+.4f [%s, %s] | %s | %s | %s / %s | %s |%n",
                    c.padding(), c.baseline(), c.shift() == 0 ? "0" : c.shift() + " (" + fillOf(c) + ")", d.mean(),
                    signed(d.ciLow()), signed(d.ciHigh()), number(d.pValue(), "%.4f"), number(adj[i], "%.4f"),
                    number(d.detectable(), "%.4f"), number(strict, "%.4f"),
                    adj[i] <= PairedDifference.ALPHA ? (d.mean() > 0 ? "better" : "worse") : "not significant"));
        }
    }

    private void shiftMarkdown(StringBuilder sb, String fill) {
        sb.append("\n## Accuracy under border shift (fill: ").append(fill).append(")\n\nTest images shifted by d "
                + "pixels toward each border, ").append(fillText(fill)).append("; accuracy averaged over the four "
                + "directions, mean over seeds; Δ vs ").append(String.join(", ", baselines)).append(" paired by seed "
                + "with its 95% interval.\n\n");
        sb.append("| padding |");
        shifts().forEach(d -> sb.append(" shift ").append(d).append(" |"));
        sb.append("\n| --- |");
        shifts().forEach(d -> sb.append(" ---: |"));
        sb.append('\n');
        for (PaddingSummary s : summaries) {
            sb.append("| ").append(s.padding().id()).append(" |");
            for (int d : shifts()) {
                sb.append(String.format(Locale.ROOT, " %.4f", PaddingSummary.mean(shiftAccuracies(fill,
                        s.padding().id(), d))));
                for (String b : baselines) {
                    PairedDifference pd = shiftDifference(fill, s.padding().id(), b, d);
                    if (pd != null) {
                        sb.append(String.format(Locale.ROOT, " (Δ%s %+.4f [%s, %s])",
                                baselines.size() > 1 ? " " + b : "", pd.mean(), signed(pd.ciLow()), signed(pd.ciHigh())));
                    }
                }
                sb.append(" |");
            }
            sb.append('\n');
        }
    }

    private static String fillText(String fill) {
        switch (fill) {
            case ShiftReport.REPLICATE:
                return "the uncovered strip filled with the image's own edge";
            case "black":
                return "the uncovered strip filled with the dataset's black background";
            case "continued-background":
                return "the image composed again with the photograph continuing into the uncovered strip";
            default:
                return "the uncovered strip filled by '" + fill + "'";
        }
    }

    /** The results as a JSON document (budget, then per padding: summary and every run's epochs). */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget", budget);
        m.put("baselines", baselines);
        List<Object> ps = new ArrayList<>();
        for (PaddingSummary s : summaries) {
            Map<String, Object> one = s.toMap();
            PairedDifference d = pairedDifference(s.padding().id());
            one.put("pairedDifference", d == null ? null : d.toMap(baseline()));
            Map<String, Object> all = new LinkedHashMap<>();
            for (String b : baselines) {
                PairedDifference db = pairedDifference(s.padding().id(), b);
                all.put(b, db == null ? null : db.toMap(b));
            }
            one.put("pairedDifferences", all);
            if (!shifts.isEmpty()) {
                one.put("shiftEval", shiftMap(fills().get(0), s.padding().id()));
                Map<String, Object> byFill = new LinkedHashMap<>();
                for (String f : fills()) {
                    byFill.put(f, shiftMap(f, s.padding().id()));
                }
                one.put("shiftEvalByFill", byFill);
            }
            ps.add(one);
        }
        m.put("paddings", ps);
        if (!primaries.isEmpty()) {
            double[] adj = holmAdjusted();
            List<Object> pr = new ArrayList<>();
            for (int i = 0; i < primaries.size(); i++) {
                PrimaryComparison c = primaries.get(i);
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("comparison", c.toString());
                one.put("fill", c.shift() == 0 ? null : fillOf(c));
                one.putAll(difference(c).toMap(c.baseline()));
                one.put("pValueHolm", adj[i]);
                pr.add(one);
            }
            m.put("primary", pr);
        }
        if (!provenance.isEmpty()) {
            m.put("provenance", provenance);
        }
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

    private List<Object> shiftMap(String fill, String id) {
        List<Object> out = new ArrayList<>();
        for (int d : shifts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shift", d);
            double[] acc = shiftAccuracies(fill, id, d);
            m.put("meanAccuracy", PaddingSummary.mean(acc));
            m.put("perSeed", acc);
            Map<String, Object> dirs = new LinkedHashMap<>();
            for (BorderShift.Direction dir : BorderShift.Direction.values()) {
                dirs.put(dir.id(), PaddingSummary.mean(shiftReports(fill, id).stream()
                        .mapToDouble(r -> r.accuracy(d, dir).value()).toArray()));
            }
            m.put("directions", dirs);
            PairedDifference pd = shiftDifference(fill, id, baseline(), d);
            m.put("pairedDifference", pd == null ? null : pd.toMap(baseline()));
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
