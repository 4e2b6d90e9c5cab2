package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@link BorderRealismResult}s as Markdown tables and JSON. */
public final class RealismReport {

    private RealismReport() {
    }

    /** Markdown: per band, a summary table (overall, sides, corners) and a table of PSNR by distance from the edge. */
    public static String markdown(BorderRealismResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Border realism: ").append(r.dataset()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%d test images %dx%dx%d (C x H x W)%s. Per-image MSE over the cut band, "
                        + "mean ± 95%% CI over images; PSNR (dB, peak 1) per image from its MSE (MSE floored at 1e-10, "
                        + "so exact = 100 dB), then averaged.%n%n",
                r.testImages(), r.channels(), r.height(), r.width(),
                r.trainImages() > 0 ? "; LEARNED trained on " + r.trainImages() + " other images (local loss only)" : ""));
        for (BandResult band : r.bands()) {
            int b = band.band();
            sb.append("### Band ").append(b).append("\n\n");
            if (band.fit() != null) {
                sb.append(String.format(Locale.ROOT, "LEARNED: %d Adam steps of %d images; local loss on %s %.5g -> %.5g.%n%n",
                        band.fit().steps(), band.fit().batchSize(), "up to 512 training images", band.fit().lossBefore(),
                        band.fit().lossAfter()));
            }
            List<String> parts = List.of(BandRegions.OVERALL, "top", "bottom", "left", "right", BandRegions.CORNERS);
            sb.append("MSE (mean ± 95% CI over images):\n\n");
            table(sb, band, parts, true);
            sb.append("\nPSNR (dB; mean over images of each image's PSNR ± 95% CI). The last column is the PSNR of the "
                    + "mean MSE, 10 log10(1 / mean MSE), which exact images (capped at 100 dB) cannot inflate:\n\n");
            table(sb, band, parts, false);
            sb.append("\nBy distance from the centre (ring 1 = adjacent to the centre, ring ").append(b)
                    .append(" = the image's own edge), MSE:\n\n");
            List<String> rings = new ArrayList<>();
            for (int d = 1; d <= b; d++) {
                rings.add(BandRegions.ring(d));
            }
            table(sb, band, rings, true);
            sb.append("\nPSNR (dB) by distance:\n\n");
            table(sb, band, rings, false);
            if (band.modes().stream().anyMatch(m -> m.vsLearned() != null)) {
                sb.append("\nPaired per image: this mode's overall MSE minus LEARNED's (positive = LEARNED closer to the "
                        + "real band; an interval excluding 0 is a significant difference):\n\n| mode | MSE(mode) - MSE(learned) |\n"
                        + "| --- | --- |\n");
                for (ModeResult m : band.modes()) {
                    if (m.vsLearned() != null) {
                        sb.append("| ").append(m.mode().id()).append(" | ").append(mse(m.vsLearned())).append(" |\n");
                    }
                }
            }
            sb.append("\nBest overall (lowest mean MSE): **").append(best(band).id()).append("**.\n\n");
        }
        return sb.toString();
    }

    /** One table: a row per mode, a column per region, MSE or PSNR; PSNR tables end with the PSNR of the mean MSE. */
    private static void table(StringBuilder sb, BandResult band, List<String> regions, boolean mse) {
        sb.append("| mode |");
        for (String r : regions) {
            sb.append(" ").append(r.startsWith("ring") ? "ring " + r.substring(4) : r).append(" |");
        }
        boolean pooled = !mse && regions.contains(BandRegions.OVERALL);
        if (pooled) {
            sb.append(" PSNR of mean MSE |");
        }
        sb.append("\n| --- |");
        for (int i = 0; i < regions.size() + (pooled ? 1 : 0); i++) {
            sb.append(" --- |");
        }
        sb.append("\n");
        for (ModeResult m : band.modes()) {
            sb.append("| ").append(m.mode().id()).append(" |");
            for (String r : regions) {
                RegionStats s = m.region(r);
                sb.append(" ").append(mse ? mse(s.mse()) : db(s.psnr())).append(" |");
            }
            if (pooled) {
                sb.append(String.format(Locale.ROOT, " %.2f |", Psnr.of(m.region(BandRegions.OVERALL).mse().mean())));
            }
            sb.append("\n");
        }
    }

    /** The mode with the lowest mean overall MSE in a band. */
    public static PaddingMode best(BandResult band) {
        ModeResult best = null;
        for (ModeResult m : band.modes()) {
            if (best == null || m.region(BandRegions.OVERALL).mse().mean() < best.region(BandRegions.OVERALL).mse().mean()) {
                best = m;
            }
        }
        return best.mode();
    }

    /** The result as JSON-ready maps and lists (no arrays of images). */
    public static Map<String, Object> tree(BorderRealismResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("dataset", r.dataset());
        root.put("trainImages", r.trainImages());
        root.put("testImages", r.testImages());
        root.put("channels", r.channels());
        root.put("height", r.height());
        root.put("width", r.width());
        root.put("psnrMseFloor", Psnr.MSE_FLOOR);
        List<Object> bands = new ArrayList<>();
        for (BandResult band : r.bands()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("band", band.band());
            if (band.fit() != null) {
                Map<String, Object> fit = new LinkedHashMap<>();
                fit.put("steps", band.fit().steps());
                fit.put("batchSize", band.fit().batchSize());
                fit.put("localLossBefore", band.fit().lossBefore());
                fit.put("localLossAfter", band.fit().lossAfter());
                bm.put("learnedFit", fit);
            }
            bm.put("best", best(band).id());
            Map<String, Object> modes = new LinkedHashMap<>();
            for (ModeResult m : band.modes()) {
                Map<String, Object> regions = new LinkedHashMap<>();
                for (RegionStats s : m.regions()) {
                    Map<String, Object> rs = new LinkedHashMap<>();
                    rs.put("mse", ci(s.mse()));
                    rs.put("psnr", ci(s.psnr()));
                    rs.put("psnrOfMeanMse", Psnr.of(s.mse().mean()));
                    regions.put(s.region(), rs);
                }
                if (m.vsLearned() != null) {
                    regions.put("overallMseMinusLearned", ci(m.vsLearned()));
                }
                modes.put(m.mode().id(), regions);
            }
            bm.put("modes", modes);
            bands.add(bm);
        }
        root.put("bands", bands);
        return root;
    }

    static Map<String, Object> ci(MeanCi c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", c.mean());
        m.put("ci95", List.of(c.lo(), c.hi()));
        m.put("n", c.n());
        return m;
    }

    static String mse(MeanCi c) {
        return String.format(Locale.ROOT, "%.3g ± %.2g", c.mean(), c.half());
    }

    static String db(MeanCi c) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", c.mean(), c.half());
    }
}
