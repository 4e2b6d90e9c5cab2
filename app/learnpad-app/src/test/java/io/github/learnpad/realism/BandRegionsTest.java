package io.github.learnpad.realism;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BandRegionsTest {

    /** Error = ring distance at every band pixel: ring d has MSE d^2, the regions are hand-computed. */
    @Test
    void ringsSidesAndCornersAreWhereTheySay() {
        int c = 2, h = 8, w = 10, b = 3;
        float[] truth = new float[c * h * w];
        float[] recon = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int di = i < b ? b - i : (i >= h - b ? i - (h - b) + 1 : 0);
                    int dj = j < b ? b - j : (j >= w - b ? j - (w - b) + 1 : 0);
                    recon[(ch * h + i) * w + j] = Math.max(di, dj);
                    // Mark the top strip (not corners) with an extra offset on channel 1 only.
                }
            }
        }
        double[] m = BandRegions.mse(truth, recon, c, h, w, b);
        List<String> names = BandRegions.names(b);
        assertEquals(List.of("overall", "top", "bottom", "left", "right", "corners", "ring1", "ring2", "ring3"), names);
        assertEquals(1.0, m[names.indexOf("ring1")], 0);
        assertEquals(4.0, m[names.indexOf("ring2")], 0);
        assertEquals(9.0, m[names.indexOf("ring3")], 0);
        // Top strip: rows 0,1,2 (distance 3,2,1) over columns 3..6: mean of 9,4,1.
        assertEquals(14.0 / 3, m[names.indexOf("top")], 1e-12);
        assertEquals(14.0 / 3, m[names.indexOf("left")], 1e-12);
        // One 3x3 corner: distances max(di,dj): 1 cell at 1, 3 at 2, 5 at 3 -> (1 + 12 + 45) / 9.
        assertEquals(58.0 / 9, m[names.indexOf("corners")], 1e-12);
        // Overall: band pixels = 80 - 2*4 = 72 per channel; sum per channel = 4 strips... computed directly.
        double sum = 0;
        int n = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double v = recon[i * w + j];
                if (v > 0) {
                    sum += v * v;
                    n++;
                }
            }
        }
        assertEquals(72, n);
        assertEquals(sum / n, m[0], 1e-12);
    }

    @Test
    void sidesAreSeparated() {
        int h = 6, w = 6, b = 1;
        float[] truth = new float[h * w];
        float[] recon = new float[h * w];
        recon[0 * w + 2] = 2;   // top strip
        recon[5 * w + 3] = 3;   // bottom strip
        recon[2 * w + 5] = 5;   // right strip
        recon[0] = 7;           // a corner
        recon[2 * w + 2] = 100; // centre: never counted
        double[] m = BandRegions.mse(truth, recon, 1, h, w, b);
        assertEquals(4.0 / 4, m[1], 0);
        assertEquals(9.0 / 4, m[2], 0);
        assertEquals(0.0, m[3], 0);
        assertEquals(25.0 / 4, m[4], 0);
        assertEquals(49.0 / 4, m[5], 0);
        assertEquals((4 + 9 + 25 + 49) / 20.0, m[0], 1e-15);
    }

    @Test
    void rejectsBandsWithoutCentre() {
        assertThrows(IllegalArgumentException.class, () -> BandRegions.mse(new float[16], new float[16], 1, 4, 4, 2));
    }

    @Test
    void meanCiAndPsnr() {
        MeanCi c = MeanCi.of(new double[]{1, 2, 3});
        assertEquals(2.0, c.mean(), 0);
        assertEquals(1.96 / Math.sqrt(3), c.half(), 1e-15);
        assertEquals(20.0, Psnr.of(0.01), 1e-12);
        assertEquals(100.0, Psnr.of(0.0), 0);
    }
}
