package io.github.learnpad.charts;

import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.training.ComparisonResult;
import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.PaddingSummary;
import io.github.learnpad.training.RunReporter;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * PNG charts of training runs and comparisons (XChart, headless). {@link #REPORTER} draws them for the library's
 * {@link io.github.learnpad.training.Trainer} and {@link io.github.learnpad.training.Comparison}:
 * <pre>
 * run directory:        loss.png, accuracy.png, local-loss.png (local loss only with Padding Modules)
 * comparison directory: accuracy.png (mean final test accuracy per padding, error bars = sample std over seeds),
 *                       curves-loss.png, curves-test-loss.png, curves-accuracy.png (per-epoch means over seeds),
 *                       local-loss.png (each Padding Module's local loss per epoch, when LEARNED is compared)
 * </pre>
 */
public final class Charts {
    /** Writes the charts of each finished run and comparison. */
    public static final RunReporter REPORTER = new RunReporter() {
        @Override
        public void runFinished(List<EpochMetrics> metrics, String title, Path dir) throws IOException {
            runCharts(metrics, title, dir);
        }

        @Override
        public void comparisonFinished(ComparisonResult result, Path dir) throws IOException {
            if (!result.shifts().isEmpty()) {
                ShiftCharts.accuracyVsShift(result, "Test accuracy vs border shift (mean over seeds and the 4 "
                        + "directions)", dir.resolve("shift-accuracy.png"));
                // the dataset's own continuation (black, continued-background), next to the replicate fill
                for (String fill : result.fills().subList(1, result.fills().size())) {
                    ShiftCharts.accuracyVsShift(result, fill, "Test accuracy vs border shift, fill " + fill
                            + " (mean over seeds and the 4 directions)", dir.resolve("shift-accuracy-" + fill + ".png"));
                }
            }
            comparisonCharts(result, dir);
        }
    };

    static {
        // Charts are drawn into images; never open a window (servers and CI have no display).
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Bar chart of the mean final test accuracy per padding with sample-std error bars. */
    public static void accuracyBars(List<PaddingSummary> summaries, String title, Path png) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("padding").yAxisTitle("final test accuracy (mean ± std over seeds)").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern("0.000");
        chart.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        List<String> names = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        for (PaddingSummary s : summaries) {
            names.add(s.padding().id() + " (n=" + s.runs().size() + ")");
            means.add(s.accuracyMean());
            stds.add(s.accuracyStd());
        }
        chart.addSeries("accuracy", names, means, stds);
        save(chart, png);
    }

    /**
     * Line chart of a per-epoch metric, one line per run group (e.g. per padding, averaged over seeds).
     *
     * @param runs group name -> the metrics of each run in the group (all runs of a group have the same epochs)
     */
    public static void curves(Map<String, List<List<EpochMetrics>>> runs, ToDoubleFunction<EpochMetrics> metric,
            String title, String yTitle, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        // Outside the plot: inside, it covers the last epochs of rising (accuracy) or falling (loss) curves alike.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisDecimalPattern("0");
        int series = 0;
        for (Map.Entry<String, List<List<EpochMetrics>>> e : runs.entrySet()) {
            double[][] xy = meanCurve(e.getValue(), metric);
            if (xy[0].length > 0) {
                chart.addSeries(e.getKey(), xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE);
                series++;
            }
        }
        if (series > 0) {
            save(chart, png);
        }
    }

    /**
     * Each Padding Module's mean local loss per epoch (averaged over the runs of a group), one line per module and
     * group; nothing is written when no run has a Padding Module.
     *
     * @return true if the chart was written
     */
    public static boolean localLosses(Map<String, List<List<EpochMetrics>>> runs, String title, Path png)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch")
                .yAxisTitle("local loss (epoch mean)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisLogarithmic(false);
        int series = 0;
        for (Map.Entry<String, List<List<EpochMetrics>>> e : runs.entrySet()) {
            List<List<EpochMetrics>> group = e.getValue();
            if (group.isEmpty() || group.get(0).isEmpty()) {
                continue;
            }
            for (String module : group.get(0).get(0).localLosses().keySet()) {
                double[][] xy = meanCurve(group, m -> m.localLosses().getOrDefault(module, Double.NaN));
                if (xy[0].length > 0) {
                    String name = runs.size() > 1 ? e.getKey() + " " + module : module;
                    chart.addSeries(name, xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE);
                    series++;
                }
            }
        }
        if (series == 0) {
            return false;
        }
        save(chart, png);
        return true;
    }

    /**
     * The charts of one training run in {@code dir}: {@code loss.png} (train and test loss per epoch),
     * {@code accuracy.png} (test accuracy per epoch) and, with Padding Modules, {@code local-loss.png}.
     */
    public static void runCharts(List<EpochMetrics> metrics, String title, Path dir) throws IOException {
        List<List<EpochMetrics>> one = List.of(metrics);
        XYChart loss = new XYChartBuilder().width(800).height(500).title(title + ": loss").xAxisTitle("epoch")
                .yAxisTitle("loss").build();
        loss.getStyler().setXAxisDecimalPattern("0");
        double[][] tr = meanCurve(one, EpochMetrics::trainLoss);
        double[][] te = meanCurve(one, EpochMetrics::testLoss);
        if (tr[0].length > 0) {
            loss.addSeries("train loss (epoch mean)", tr[0], tr[1]).setMarker(SeriesMarkers.CIRCLE);
        }
        if (te[0].length > 0) {
            loss.addSeries("test loss", te[0], te[1]).setMarker(SeriesMarkers.CIRCLE);
        }
        if (tr[0].length > 0 || te[0].length > 0) {
            save(loss, dir.resolve("loss.png"));
        }
        Map<String, List<List<EpochMetrics>>> runs = new LinkedHashMap<>();
        runs.put("test accuracy", one);
        curves(runs, EpochMetrics::testAccuracy, title + ": test accuracy", "test accuracy", dir.resolve("accuracy.png"));
        localLosses(runs, title + ": Padding Module local loss", dir.resolve("local-loss.png"));
    }

    /** The charts of a comparison in {@code dir} (see the class comment). */
    public static void comparisonCharts(ComparisonResult result, Path dir) throws IOException {
        List<PaddingSummary> summaries = result.summaries();
        Map<String, List<List<EpochMetrics>>> curves = new LinkedHashMap<>();
        for (PaddingSummary s : summaries) {
            List<List<EpochMetrics>> runs = new ArrayList<>();
            s.runs().forEach(r -> runs.add(r.metrics()));
            curves.put(s.padding().id(), runs);
        }
        int seeds = summaries.isEmpty() ? 0 : summaries.get(0).seeds().size();
        String what = result.budget().get("dataset") + ", " + result.budget().get("epochs") + " epochs, " + seeds
                + " seed(s)";
        accuracyBars(summaries, "Final test accuracy by padding (" + what + ")", dir.resolve("accuracy.png"));
        curves(curves, EpochMetrics::trainLoss, "Training loss (mean over seeds)", "train loss",
                dir.resolve("curves-loss.png"));
        curves(curves, EpochMetrics::testLoss, "Test loss (mean over seeds)", "test loss",
                dir.resolve("curves-test-loss.png"));
        curves(curves, EpochMetrics::testAccuracy, "Test accuracy (mean over seeds)", "test accuracy",
                dir.resolve("curves-accuracy.png"));
        localLosses(curves, "Padding Module local loss (mean over seeds)", dir.resolve("local-loss.png"));
    }

    /** Epochs with a finite mean over the runs. */
    private static double[][] meanCurve(List<List<EpochMetrics>> runs, ToDoubleFunction<EpochMetrics> metric) {
        Map<Integer, double[]> acc = new LinkedHashMap<>();
        for (List<EpochMetrics> run : runs) {
            for (EpochMetrics m : run) {
                double v = metric.applyAsDouble(m);
                if (Double.isFinite(v)) {
                    double[] a = acc.computeIfAbsent(m.epoch(), k -> new double[2]);
                    a[0] += v;
                    a[1]++;
                }
            }
        }
        double[] x = new double[acc.size()];
        double[] y = new double[acc.size()];
        int i = 0;
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            x[i] = e.getKey();
            y[i] = e.getValue()[0] / e.getValue()[1];
            i++;
        }
        return new double[][]{x, y};
    }

    /** Writes the chart as PNG, atomically. */
    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
