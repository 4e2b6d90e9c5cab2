package io.github.learnpad.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-padding summaries of a {@link Comparison} and their Markdown / JSON reports. */
public final class ComparisonResult {
    private final List<PaddingSummary> summaries;
    private final Map<String, Object> budget;

    ComparisonResult(List<PaddingSummary> summaries, Map<String, Object> budget) {
        this.summaries = List.copyOf(summaries);
        this.budget = new LinkedHashMap<>(budget);
    }

    public List<PaddingSummary> summaries() { return summaries; }
    public Map<String, Object> budget() { return budget; }

    /** The results table in Markdown, with the budget above it. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Padding comparison\n\n");
        sb.append("Same budget for every run:");
        budget.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        sb.append(".\n\nFinal-epoch numbers, mean ± sample standard deviation over seeds.\n\n");
        sb.append("| padding | runs | test accuracy | test loss | training time (s) | parameters |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (PaddingSummary s : summaries) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f ± %.4f | %.4f ± %.4f | %.1f ± %.1f | %,d |%n",
                    s.padding().id(), s.runs().size(), s.accuracyMean(), s.accuracyStd(), s.testLossMean(),
                    s.testLossStd(), s.secondsMean(), s.secondsStd(), s.numParams()));
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
        summaries.forEach(s -> ps.add(s.toMap()));
        m.put("paddings", ps);
        return Json.pretty(m);
    }

    /** Writes results.md and results.json into {@code dir}. */
    public void write(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("results.md"), markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), json());
    }
}
