package io.github.learnpad.charts;

import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.training.ComparisonResult;
import io.github.learnpad.training.PaddingSummary;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart of a comparison's border-shift evaluation (XChart, headless). */
public final class ShiftCharts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ShiftCharts() {
    }

    /** Test accuracy (mean over directions and seeds) vs shift, one line per padding. */
    public static void accuracyVsShift(ComparisonResult r, String title, Path png) throws IOException {
        accuracyVsShift(r, r.fills().get(0), title, png);
    }

    /** As {@link #accuracyVsShift(ComparisonResult, String, Path)} for the evaluation with one fill. */
    public static void accuracyVsShift(ComparisonResult r, String fill, String title, Path png) throws IOException {
        List<Integer> shifts = r.shifts();
        Map<String, double[]> lines = new LinkedHashMap<>();
        for (PaddingSummary s : r.summaries()) {
            double[] y = new double[shifts.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = PaddingSummary.mean(r.shiftAccuracies(fill, s.padding().id(), shifts.get(i)));
            }
            lines.put(s.padding().id(), y);
        }
        accuracyVsShift(shifts, lines, title, png);
    }

    /** One line per name: accuracy at each of {@code shifts}. */
    public static void accuracyVsShift(List<Integer> shifts, Map<String, double[]> lines, String title, Path png)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("shift toward a border (px)")
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setXAxisDecimalPattern("0");
        double[] x = shifts.stream().mapToDouble(Integer::doubleValue).toArray();
        lines.forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE));
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
