package io.github.learnpad.charts;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.realism.BandRegions;
import io.github.learnpad.realism.BandResult;
import io.github.learnpad.realism.BorderRealismResult;
import io.github.learnpad.realism.MeanCi;
import io.github.learnpad.realism.ModeResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The pictures of a {@link BorderRealismResult}: PSNR-vs-distance charts and a reconstruction gallery. */
public final class RealismCharts {
    /** Colour of the cut-away band in the gallery's "centre" column: obviously not an image value. */
    private static final Color CUT = new Color(255, 0, 200);

    private RealismCharts() {
    }

    /** PSNR (mean ± 95% CI as error bars) against ring distance, one series per mode, for one band. */
    public static void psnrByDistance(BorderRealismResult r, BandResult band, Path png) throws IOException {
        int b = band.band();
        XYChart chart = new XYChartBuilder().width(720).height(480)
                .title(r.dataset() + ": PSNR of the padded band, band width " + b)
                .xAxisTitle("ring (1 = next to the centre, " + b + " = image edge)").yAxisTitle("PSNR (dB)").build();
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        double[] x = new double[b];
        for (int d = 1; d <= b; d++) {
            x[d - 1] = d;
        }
        for (ModeResult m : band.modes()) {
            double[] y = new double[b];
            double[] e = new double[b];
            for (int d = 1; d <= b; d++) {
                MeanCi c = m.region(BandRegions.ring(d)).psnr();
                y[d - 1] = c.mean();
                e[d - 1] = c.half();
            }
            XYSeries s = chart.addSeries(m.mode().id(), x, y, e);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Gallery for one band: a row per sample test image; columns original, cut centre (band shown in magenta), then
     * each mode's reconstruction. Pixels enlarged with nearest neighbour (at least 2x, to about 128 px per image).
     */
    public static void gallery(BorderRealismResult r, BandResult band, Path png) throws IOException {
        INDArray orig = r.originals();
        if (orig == null) {
            throw new IllegalArgumentException("no sample images were kept (galleryImages = 0)");
        }
        List<ModeResult> modes = band.modes();
        int g = (int) orig.size(0), h = r.height(), w = r.width(), c = r.channels();
        int scale = Math.max(2, Math.round(128f / Math.max(h, w)));
        int gap = 6, header = 22;
        int cols = 2 + modes.size();
        int cw = w * scale, ch = h * scale;
        BufferedImage img = new BufferedImage(cols * (cw + gap) + gap, header + g * (ch + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g2.setColor(Color.WHITE);
        g2.fillRect(0, 0, img.getWidth(), img.getHeight());
        g2.setColor(Color.BLACK);
        g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String[] titles = new String[cols];
        titles[0] = "original";
        titles[1] = "cut b=" + band.band();
        for (int k = 0; k < modes.size(); k++) {
            titles[2 + k] = modes.get(k).mode().id();
        }
        for (int k = 0; k < cols; k++) {
            g2.drawString(titles[k], gap + k * (cw + gap), 15);
        }
        g2.dispose();
        for (int i = 0; i < g; i++) {
            int y0 = header + i * (ch + gap);
            paint(img, orig, i, c, h, w, scale, gap, y0, -1);
            paint(img, orig, i, c, h, w, scale, gap + (cw + gap), y0, band.band());
            for (int k = 0; k < modes.size(); k++) {
                PaddingMode m = modes.get(k).mode();
                paint(img, band.samples().get(m), i, c, h, w, scale, gap + (2 + k) * (cw + gap), y0, -1);
            }
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    /** Draws image i of x at (x0, y0), enlarged; with {@code cut >= 0} the band of that width is painted magenta. */
    private static void paint(BufferedImage img, INDArray x, int i, int c, int h, int w, int scale, int x0, int y0, int cut) {
        for (int r = 0; r < h; r++) {
            for (int col = 0; col < w; col++) {
                int rgb;
                boolean inBand = cut > 0 && (r < cut || r >= h - cut || col < cut || col >= w - cut);
                if (inBand) {
                    rgb = CUT.getRGB();
                } else {
                    int red = level(x.getDouble(i, 0, r, col));
                    int green = c >= 3 ? level(x.getDouble(i, 1, r, col)) : red;
                    int blue = c >= 3 ? level(x.getDouble(i, 2, r, col)) : red;
                    rgb = (red << 16) | (green << 8) | blue;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + col * scale + dx, y0 + r * scale + dy, rgb);
                    }
                }
            }
        }
    }

    /** A value in [0, 1] (clipped: a padding may overshoot) as an 8-bit level. */
    private static int level(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
