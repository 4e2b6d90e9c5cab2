package io.github.learnpad.training;

import io.github.learnpad.layers.PaddingVariant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One padding's results over its seeds in a {@link Comparison}: final-epoch numbers, mean and sample std. */
public final class PaddingSummary {
    private final PaddingVariant padding;
    private final List<Long> seeds;
    private final List<TrainingResult> runs;

    PaddingSummary(PaddingVariant padding, List<Long> seeds, List<TrainingResult> runs) {
        this.padding = padding;
        this.seeds = List.copyOf(seeds);
        this.runs = List.copyOf(runs);
    }

    public PaddingVariant padding() { return padding; }
    public List<Long> seeds() { return seeds; }
    /** One training run per seed, in seed order. */
    public List<TrainingResult> runs() { return runs; }

    public double[] finalAccuracies() { return runs.stream().mapToDouble(r -> r.last().testAccuracy()).toArray(); }
    public double[] finalTestLosses() { return runs.stream().mapToDouble(r -> r.last().testLoss()).toArray(); }
    public double[] trainSeconds() { return runs.stream().mapToDouble(TrainingResult::trainSeconds).toArray(); }

    public double accuracyMean() { return mean(finalAccuracies()); }
    public double accuracyStd() { return std(finalAccuracies()); }
    public double testLossMean() { return mean(finalTestLosses()); }
    public double testLossStd() { return std(finalTestLosses()); }
    public double secondsMean() { return mean(trainSeconds()); }
    public double secondsStd() { return std(trainSeconds()); }
    /** Parameters of the network (the same for every seed). */
    public long numParams() { return runs.get(0).numParams(); }

    /** Arithmetic mean. */
    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n - 1 in the denominator); 0 for a single value. */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("padding", padding.id());
        m.put("accuracyMean", accuracyMean());
        m.put("accuracyStd", accuracyStd());
        m.put("testLossMean", testLossMean());
        m.put("testLossStd", testLossStd());
        m.put("trainSecondsMean", secondsMean());
        m.put("trainSecondsStd", secondsStd());
        m.put("parameters", numParams());
        List<Object> rs = new java.util.ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            TrainingResult r = runs.get(i);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("seed", seeds.get(i));
            one.put("testAccuracy", r.last().testAccuracy());
            one.put("testLoss", r.last().testLoss());
            one.put("trainSeconds", r.trainSeconds());
            List<Object> epochs = new java.util.ArrayList<>();
            r.metrics().forEach(e -> epochs.add(e.toMap()));
            one.put("epochs", epochs);
            rs.add(one);
        }
        m.put("runs", rs);
        return m;
    }
}
