package io.github.learnpad.bench;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.models.ModelBuilder;
import io.github.learnpad.models.Vgg16;
import io.github.learnpad.training.LocalLossListener;
import io.github.learnpad.ui.LocalLossRecorder;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What recording DL4J's training statistics ({@code --ui}/{@code --stats}: {@link StatsListener} into a
 * {@link FileStatsStorage}, plus {@link LocalLossRecorder}) costs per training step, at given reporting frequencies.
 *
 * <p>One network (learned padding) trains on one fixed random minibatch with the listener every LearnPad run has
 * ({@link LocalLossListener}, which already puts DL4J on its with-listeners path: activations handed to listeners).
 * Each round runs a block of F steps without the statistics listeners, then a block of F steps with them (reporting
 * every F iterations: exactly one report per block, whatever the phase), so that load from other processes hits both
 * alike. The time per step of a block is its total time / F: the report's cost is spread over the F steps as it is
 * in a run. Prints, per frequency, the medians over
 * the rounds, the medians of the per-round ratios (with / without) of wall-clock time and of process CPU time (less
 * sensitive to other processes on a shared machine), the share of the step spent inside the statistics listeners'
 * callbacks (the report's own work: least sensitive to load, but blind to costs outside the callbacks), and the load
 * average.
 */
public final class StatsOverheadBenchmark {
    private StatsOverheadBenchmark() {
    }

    /** One frequency's result. */
    public record Result(int frequency, double[] withoutMs, double[] withMs, double[] ratios, double[] cpuRatios,
            double[] listenerShares) {
        /** Median share of the with-statistics step spent inside the statistics listeners' callbacks. */
        public double medianListenerShare() { return median(listenerShares); }
        public double medianWithout() { return median(withoutMs); }
        public double medianWith() { return median(withMs); }
        public double medianRatio() { return median(ratios); }
        /** Median of the per-round ratios of process CPU time per step (all threads). */
        public double medianCpuRatio() { return median(cpuRatios); }
    }

    /**
     * @param model       small or vgg16 (at width 1/8, 32x32: the study's network)
     * @param frequencies reporting frequencies to measure
     * @param rounds      timed rounds per frequency (after one untimed round)
     */
    public static List<Result> run(Architecture model, int batch, int[] frequencies, int rounds) throws IOException {
        int size = model == Architecture.SMALL ? 28 : 32;
        ModelBuilder<?, ?> b = model.builder().numClasses(10).inputShape(1, size, size)
                .padding(PaddingVariant.of(PaddingMode.LEARNED)).updater(new Adam(1e-3)).seed(1);
        if (b instanceof Vgg16.Builder v) {
            v.widthMultiplier(0.125);
        }
        ComputationGraph net = new ComputationGraph(b.build().conf());
        net.init();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet ds = new DataSet(x, y);
        Path dir = Files.createTempDirectory("learnpad-stats-bench-");
        List<Result> out = new ArrayList<>();
        try {
            for (int f : frequencies) {
                StatsStorage storage = new FileStatsStorage(dir.resolve("stats-" + f + ".dl4j").toFile());
                try {
                    LocalLossListener always = new LocalLossListener();
                    List<TrainingListener> off = List.of(always);
                    Timed stats = new Timed(new StatsListener(storage, null,
                            new DefaultStatsUpdateConfiguration.Builder().reportingFrequency(f).build(), "bench-" + f,
                            null));
                    Timed local = new Timed(new LocalLossRecorder(storage, "bench-" + f, f));
                    List<TrainingListener> on = List.of(always, stats, local);
                    double[] shares = new double[rounds];
                    double[] without = new double[rounds];
                    double[] with = new double[rounds];
                    double[] ratios = new double[rounds];
                    double[] cpuRatios = new double[rounds];
                    for (int r = -1; r < rounds; r++) { // round -1: warm-up, including the listener's first report
                        always.startEpoch(); // keeps its per-epoch list short, as the Trainer does
                        net.setListeners(off);
                        long c0 = cpuNanos();
                        double offMs = block(net, ds, f);
                        long c1 = cpuNanos();
                        net.setListeners(on);
                        stats.nanos = 0;
                        local.nanos = 0;
                        double onMs = block(net, ds, f);
                        long c2 = cpuNanos();
                        if (r >= 0) {
                            without[r] = offMs;
                            with[r] = onMs;
                            ratios[r] = onMs / offMs;
                            cpuRatios[r] = (double) (c2 - c1) / (c1 - c0);
                            shares[r] = (stats.nanos + local.nanos) / 1e6 / f / onMs;
                        }
                    }
                    net.setListeners(new ArrayList<TrainingListener>());
                    out.add(new Result(f, without, with, ratios, cpuRatios, shares));
                } finally {
                    storage.close();
                }
            }
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return out;
    }

    /** Passes every callback on to {@code inner}, adding the time spent in it to {@code nanos}. */
    static final class Timed implements TrainingListener {
        private final TrainingListener inner;
        long nanos;

        Timed(TrainingListener inner) {
            this.inner = inner;
        }

        private void time(Runnable r) {
            long t0 = System.nanoTime();
            r.run();
            nanos += System.nanoTime() - t0;
        }

        @Override public void iterationDone(Model m, int it, int ep) { time(() -> inner.iterationDone(m, it, ep)); }
        @Override public void onEpochStart(Model m) { time(() -> inner.onEpochStart(m)); }
        @Override public void onEpochEnd(Model m) { time(() -> inner.onEpochEnd(m)); }
        @Override public void onForwardPass(Model m, List<INDArray> a) { time(() -> inner.onForwardPass(m, a)); }
        @Override public void onForwardPass(Model m, Map<String, INDArray> a) { time(() -> inner.onForwardPass(m, a)); }
        @Override public void onGradientCalculation(Model m) { time(() -> inner.onGradientCalculation(m)); }
        @Override public void onBackwardPass(Model m) { time(() -> inner.onBackwardPass(m)); }
    }

    /** CPU time of this process (all threads), or -1 where the JVM cannot tell. */
    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Milliseconds per step over {@code n} steps. */
    private static double block(ComputationGraph net, DataSet ds, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            net.fit(ds);
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** A Markdown table of the results. */
    public static String report(List<Result> results, Architecture model, int batch, int rounds, double loadBefore,
            double loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Recording DL4J training statistics: %s, learned padding, batch %d, %d "
                        + "rounds per frequency; load average %.2f before, %.2f after; %d cores%n%n",
                model.id(), batch, rounds, loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()));
        sb.append("| --stats-every | step without (ms, median) | step with (ms, median) | median of per-round ratios "
                + "| cost (wall clock) | median of per-round process CPU ratios | cost (CPU) | time inside the "
                + "listeners (median share of the step) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.3f | %+.1f%% | %.3f | %+.1f%% | %.1f%% |%n",
                    r.frequency(), r.medianWithout(), r.medianWith(), r.medianRatio(), 100 * (r.medianRatio() - 1),
                    r.medianCpuRatio(), 100 * (r.medianCpuRatio() - 1), 100 * r.medianListenerShare()));
        }
        return sb.toString();
    }

    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
