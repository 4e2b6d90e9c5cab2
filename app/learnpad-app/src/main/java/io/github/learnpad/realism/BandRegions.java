package io.github.learnpad.realism;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the outer band of width {@code b} of an {@code H x W} image, and the per-image squared error of a
 * reconstruction over each of them.
 *
 * <p>A pixel {@code (i, j)} is in the band if {@code i < b}, {@code i >= H-b}, {@code j < b} or {@code j >= W-b}.
 * Regions (all channels of each pixel count):
 * <ul>
 *   <li>{@code overall}: the whole band;</li>
 *   <li>{@code top}, {@code bottom}, {@code left}, {@code right}: the four strips along the centre, corners
 *       excluded (e.g. top = rows {@code 0..b-1}, columns {@code b..W-b-1});</li>
 *   <li>{@code corners}: the four {@code b x b} corner squares;</li>
 *   <li>{@code ring1} .. {@code ring<b>}: pixels at Chebyshev distance d from the centre, ring 1 adjacent to it and
 *       ring b the outermost (the image's own edge row and column).</li>
 * </ul>
 */
public final class BandRegions {
    public static final String OVERALL = "overall";
    public static final String CORNERS = "corners";

    private BandRegions() {
    }

    /** The region names in report order: overall, top, bottom, left, right, corners, ring1..ring{@code b}. */
    public static List<String> names(int b) {
        List<String> names = new ArrayList<>(List.of(OVERALL, "top", "bottom", "left", "right", CORNERS));
        for (int d = 1; d <= b; d++) {
            names.add(ring(d));
        }
        return names;
    }

    /** The name of ring {@code d} (1 = adjacent to the centre). */
    public static String ring(int d) {
        return "ring" + d;
    }

    /**
     * Per-region mean squared error of one image.
     *
     * @param truth the real image, {@code [C][H][W]} flattened in c order ({@code (c * H + i) * W + j})
     * @param recon the reconstruction, same layout
     * @return MSE per region, in the order of {@link #names(int)}
     */
    public static double[] mse(float[] truth, float[] recon, int c, int h, int w, int b) {
        if (b < 1 || 2 * b >= h || 2 * b >= w) {
            throw new IllegalArgumentException("band " + b + " leaves no centre in a " + h + "x" + w
                    + " image: need 1 <= band and 2*band < min(H, W)");
        }
        int regions = 6 + b;
        double[] sum = new double[regions];
        long[] count = new long[regions];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                // Distance from the centre along the rows: 0 inside, 1 .. b in the band.
                int di = i < b ? b - i : (i >= h - b ? i - (h - b) + 1 : 0);
                for (int j = 0; j < w; j++) {
                    int dj = j < b ? b - j : (j >= w - b ? j - (w - b) + 1 : 0);
                    if (di == 0 && dj == 0) {
                        continue;
                    }
                    int idx = (ch * h + i) * w + j;
                    double e = (double) recon[idx] - truth[idx];
                    double se = e * e;
                    add(sum, count, 0, se);
                    int part;
                    if (di > 0 && dj > 0) {
                        part = 5;
                    } else if (di > 0) {
                        part = i < b ? 1 : 2;
                    } else {
                        part = j < b ? 3 : 4;
                    }
                    add(sum, count, part, se);
                    add(sum, count, 5 + Math.max(di, dj), se);
                }
            }
        }
        double[] mse = new double[regions];
        for (int r = 0; r < regions; r++) {
            mse[r] = sum[r] / count[r];
        }
        return mse;
    }

    private static void add(double[] sum, long[] count, int r, double se) {
        sum[r] += se;
        count[r]++;
    }
}
